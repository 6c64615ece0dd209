using CriShim.Protocol.V1;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class SandboxFilterTests
{
    private static readonly PodSandbox Pod = new()
    {
        Id = "abcdef0123",
        State = PodSandboxState.SandboxReady,
        Labels = { ["app"] = "web", ["tier"] = "front" },
    };

    [Fact]
    public void No_filter_matches() => Assert.True(SandboxService.Matches(Pod, null));

    [Theory]
    [InlineData("abcdef0123", true)]
    [InlineData("abc", true)]
    [InlineData("abd", false)]
    public void Id_matches_in_full_or_by_prefix(string id, bool matches) =>
        Assert.Equal(matches, SandboxService.Matches(Pod, new PodSandboxFilter { Id = id }));

    [Fact]
    public void State_must_be_equal()
    {
        Assert.True(SandboxService.Matches(Pod, new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxReady } }));
        Assert.False(SandboxService.Matches(Pod, new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxNotready } }));
    }

    [Fact]
    public void Every_selector_label_must_match()
    {
        Assert.True(SandboxService.Matches(Pod, new PodSandboxFilter { LabelSelector = { ["app"] = "web" } }));
        Assert.False(SandboxService.Matches(Pod, new PodSandboxFilter { LabelSelector = { ["app"] = "web", ["tier"] = "back" } }));
        Assert.False(SandboxService.Matches(Pod, new PodSandboxFilter { LabelSelector = { ["zone"] = "a" } }));
    }
}
