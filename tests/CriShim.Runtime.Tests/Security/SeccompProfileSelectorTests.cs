using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Security;
using ProfileType = CriShim.Protocol.V1.SecurityProfile.Types.ProfileType;

namespace CriShim.Runtime.Tests.Security;

public sealed class SeccompProfileSelectorTests
{
    private static readonly SeccompHost Host = new() { Architecture = "amd64", SeccompArchitecture = "SCMP_ARCH_X86_64", Kernel = new Version(6, 1) };

#pragma warning disable CS0612
    private static LinuxContainerSecurityContext WithPath(string path) => new() { SeccompProfilePath = path };

    private static LinuxSandboxSecurityContext SandboxWithPath(string path) => new() { SeccompProfilePath = path };
#pragma warning restore CS0612

    [Theory]
    [InlineData("", null, "")]
    [InlineData("unconfined", null, "")]
    [InlineData("runtime/default", ProfileType.RuntimeDefault, "")]
    [InlineData("docker/default", ProfileType.RuntimeDefault, "")]
    [InlineData("localhost/etc/p.json", ProfileType.Localhost, "etc/p.json")]
    [InlineData("localhost//etc/p.json", ProfileType.Localhost, "/etc/p.json")]
    public void Deprecated_paths_map_as_in_containerd(string path, ProfileType? type, string reference)
    {
        var requested = SeccompProfileSelector.Requested(null, path);

        Assert.Equal(type, requested?.ProfileType);
        Assert.Equal(reference, requested?.LocalhostRef ?? "");
    }

    [Theory]
    [InlineData("/etc/p.json")]
    [InlineData("default")]
    [InlineData("Unconfined")]
    public void Other_deprecated_paths_are_invalid(string path)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => SeccompProfileSelector.Requested(null, path));

        Assert.Contains($"seccomp_profile_path '{path}'", e.Message);
    }

    [Fact]
    public void The_structured_profile_wins_over_the_path()
    {
        var requested = SeccompProfileSelector.Requested(new SecurityProfile { ProfileType = ProfileType.Unconfined }, "runtime/default");

        Assert.Null(requested);
    }

    [Fact]
    public void A_localhost_ref_on_another_type_is_invalid()
    {
        var profile = new SecurityProfile { ProfileType = ProfileType.RuntimeDefault, LocalhostRef = "/p.json" };

        Assert.Contains("localhost_ref is only for type Localhost",
            Assert.Throws<InvalidArgumentException>(() => SeccompProfileSelector.Requested(profile, "")).Message);
    }

    [Fact]
    public void A_localhost_profile_is_read_from_its_absolute_path()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("p.json");
        File.WriteAllText(file, """{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO"}]}""");
        var security = new LinuxContainerSecurityContext { Seccomp = new SecurityProfile { ProfileType = ProfileType.Localhost, LocalhostRef = file } };

        var spec = SeccompProfileSelector.ForContainer(security, [], Host);

        Assert.Equal(SeccompAction.Allow, spec!.DefaultAction);
        Assert.Equal(["chmod"], Assert.Single(spec.Syscalls).Names);
        Assert.Equal(["chmod"], Assert.Single(SeccompProfileSelector.ForContainer(WithPath("localhost/" + file), [], Host)!.Syscalls).Names);
    }

    [Fact]
    public void A_missing_or_relative_localhost_profile_is_invalid_naming_it()
    {
        var missing = new LinuxContainerSecurityContext { Seccomp = new SecurityProfile { ProfileType = ProfileType.Localhost, LocalhostRef = "/nonexistent/p.json" } };
        var relative = new LinuxContainerSecurityContext { Seccomp = new SecurityProfile { ProfileType = ProfileType.Localhost, LocalhostRef = "p.json" } };

        Assert.Contains("/nonexistent/p.json", Assert.Throws<InvalidArgumentException>(() => SeccompProfileSelector.ForContainer(missing, [], Host)).Message);
        Assert.Contains("absolute path", Assert.Throws<InvalidArgumentException>(() => SeccompProfileSelector.ForContainer(relative, [], Host)).Message);
    }

    [Fact]
    public void Privileged_containers_and_sandboxes_run_unconfined()
    {
        var container = new LinuxContainerSecurityContext { Privileged = true, Seccomp = new SecurityProfile { ProfileType = ProfileType.RuntimeDefault } };
        var sandbox = new LinuxSandboxSecurityContext { Privileged = true, Seccomp = new SecurityProfile { ProfileType = ProfileType.RuntimeDefault } };

        Assert.Null(SeccompProfileSelector.ForContainer(container, [], Host));
        Assert.Null(SeccompProfileSelector.ForSandbox(sandbox, Host));
    }

    [Fact]
    public void The_sandbox_profile_is_evaluated_with_the_default_capabilities()
    {
        var spec = SeccompProfileSelector.ForSandbox(SandboxWithPath("runtime/default"), Host);

        Assert.NotNull(spec);
        Assert.DoesNotContain(spec.Syscalls, r => r.Names.Contains("sethostname"));
        Assert.Null(SeccompProfileSelector.ForSandbox(null, Host));
        Assert.Null(SeccompProfileSelector.ForSandbox(SandboxWithPath(""), Host));
    }

    [Fact]
    public void The_handler_default_applies_only_when_nothing_is_named()
    {
        var runtimeDefault = new SecurityProfile { ProfileType = ProfileType.RuntimeDefault };

        Assert.Same(runtimeDefault, SeccompProfileSelector.Requested(null, "", runtimeDefault));
        Assert.Null(SeccompProfileSelector.Requested(null, "unconfined", runtimeDefault));
        Assert.Null(SeccompProfileSelector.Requested(new SecurityProfile { ProfileType = ProfileType.Unconfined }, "", runtimeDefault));
        Assert.NotNull(SeccompProfileSelector.ForSandbox(null, Host, runtimeDefault));
        Assert.NotNull(SeccompProfileSelector.ForContainer(new LinuxContainerSecurityContext(), [], Host, runtimeDefault));
        Assert.Null(SeccompProfileSelector.ForContainer(new LinuxContainerSecurityContext { Privileged = true }, [], Host, runtimeDefault));
    }
}
