using CriShim.Runtime.Errors;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Tests.Image;

public sealed class RegistriesConfigTests
{
    private const string IssueExample = """
        [[registry]]
        prefix = "registry.k8s.io"
        location = "registry.k8s.io"
        [[registry.mirror]]
        location = "127.0.0.1:5000"
        insecure = true
        """;

    [Fact]
    public void The_issue_example_sends_registry_k8s_io_to_the_mirror_first()
    {
        var config = RegistriesConfig.Parse(IssueExample, "test");

        var endpoints = config.EndpointsFor(ImageReference.Parse("registry.k8s.io/e2e-test-images/busybox:1.29-2"));

        Assert.Equal(
            [
                new RegistryEndpoint("127.0.0.1:5000", "e2e-test-images/busybox", Insecure: true, IsMirror: true),
                new RegistryEndpoint("registry.k8s.io", "e2e-test-images/busybox", Insecure: false, IsMirror: false),
            ],
            endpoints);
    }

    [Fact]
    public void Names_outside_every_prefix_go_to_their_own_registry()
    {
        var config = RegistriesConfig.Parse(IssueExample, "test");

        Assert.Equal([new RegistryEndpoint("registry-1.docker.io", "library/busybox", false, false)],
            config.EndpointsFor(ImageReference.Parse("busybox")));
        Assert.Equal([new RegistryEndpoint("registry.k8s.io.evil.com", "x", false, false)],
            config.EndpointsFor(ImageReference.Parse("registry.k8s.io.evil.com/x")));
    }

    [Fact]
    public void The_longest_prefix_wins_and_the_rest_of_the_name_follows_the_location()
    {
        var config = RegistriesConfig.Parse("""
            [[registry]]
            location = "example.com"
            insecure = true

            [[registry]]
            prefix = "example.com/team"
            location = "internal.example:5000/mirror/team"
            [[registry.mirror]]
            location = "m1.example/cache"
            [[registry.mirror]]
            location = "m2.example"
            insecure = true
            """, "test");

        Assert.Equal(
            [
                new RegistryEndpoint("m1.example", "cache/app", false, true),
                new RegistryEndpoint("m2.example", "app", true, true),
                new RegistryEndpoint("internal.example:5000", "mirror/team/app", false, false),
            ],
            config.EndpointsFor(ImageReference.Parse("example.com/team/app:1")));
        Assert.Equal([new RegistryEndpoint("example.com", "other/app", true, false)],
            config.EndpointsFor(ImageReference.Parse("example.com/other/app")));
    }

    [Fact]
    public void Docker_hub_mirrors_see_the_library_path()
    {
        var config = RegistriesConfig.Parse("""
            [[registry]]
            prefix = "docker.io"
            location = "docker.io"
            [[registry.mirror]]
            location = "mirror.local:5000"
            """, "test");

        var endpoints = config.EndpointsFor(ImageReference.Parse("busybox:1"));

        Assert.Equal("mirror.local:5000", endpoints[0].Host);
        Assert.Equal("library/busybox", endpoints[0].Repository);
        Assert.Equal("registry-1.docker.io", endpoints[1].Host);
    }

    [Fact]
    public void Wildcard_prefixes_match_subdomains()
    {
        var config = RegistriesConfig.Parse("""
            [[registry]]
            prefix = "*.corp.example"
            insecure = true
            """, "test");

        Assert.Equal([new RegistryEndpoint("r.corp.example", "app", true, false)],
            config.EndpointsFor(ImageReference.Parse("r.corp.example/app")));
        Assert.False(config.EndpointsFor(ImageReference.Parse("corp.example/app"))[0].Insecure);
    }

    [Fact]
    public void A_blocked_registry_refuses_the_pull()
    {
        var config = RegistriesConfig.Parse("""
            [[registry]]
            prefix = "docker.io/evil"
            blocked = true
            """, "test");

        var error = Assert.Throws<FailedPreconditionException>(() => config.EndpointsFor(ImageReference.Parse("evil/app")));
        Assert.Contains("blocked", error.Message);
        Assert.Single(config.EndpointsFor(ImageReference.Parse("good/app")));
    }

    [Fact]
    public void Loopback_registries_are_insecure_by_default() =>
        Assert.True(RegistriesConfig.Empty.EndpointsFor(ImageReference.Parse("127.0.0.1:5000/app"))[0].Insecure);

    [Fact]
    public void Other_top_level_keys_are_ignored()
    {
        var config = RegistriesConfig.Parse("""
            unqualified-search-registries = ["docker.io"]
            short-name-mode = "enforcing"
            [aliases]
            "busybox" = "docker.io/library/busybox"
            """, "test");

        Assert.Empty(config.Rules);
    }

    [Theory]
    [InlineData("[[registry]]\ninsecure = true\n", "needs a prefix or a location")]
    [InlineData("[[registry]]\nlocation = \"http://x\"\n", "without a scheme")]
    [InlineData("[[registry]]\nlocation = \"x\"\ninsecure = \"yes\"\n", "'insecure' must be true or false")]
    [InlineData("[[registry]]\nlocation = \"x\"\n[[registry.mirror]]\ninsecure = true\n", "a mirror needs a location")]
    [InlineData("[[registry]]\nlocation = \"x\"\n[[registry]]\nlocation = \"x\"\n", "defined more than once")]
    [InlineData("[registries.search]\nregistries = [\"docker.io\"]\n", "v1 format")]
    [InlineData("[[registry]\n", "test")]
    [InlineData("[[registry]]\nprefix = \"*.x.com\"\nlocation = \"y\"\n", "wildcard")]
    public void Mistakes_are_reported_with_the_file_and_the_problem(string toml, string expected)
    {
        var error = Assert.Throws<RegistriesConfigException>(() => RegistriesConfig.Parse(toml, "test"));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("test", error.Message);
    }

    [Fact]
    public void A_missing_file_means_no_rules()
    {
        using var dir = new TempDirectory();
        Assert.Empty(RegistriesConfig.Load(dir.Combine("nope.conf")).Rules);
    }
}
