using CriShim.Protocol.V1;
using CriShim.Runtime.Container;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerFiltersTests
{
    private static readonly StoredContainer Web = new(
        new ContainerRecord
        {
            Id = "abc123", SandboxId = "pod999", Name = "web", Attempt = 0, Image = "busybox", ImageId = "sha256:x", CreatedAt = 1,
            ConfigJson = "{}", CgroupPath = "/p/c", StopSignal = 15, SpecFile = "/s",
            Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" },
        },
        new ContainerRunStatus { Id = "abc123", State = ContainerState.ContainerRunning },
        new ContainerDetails(new ContainerConfig(), spec: null));

    public static TheoryData<ContainerFilter?, bool> Cases => new()
    {
        { null, true },
        { new ContainerFilter(), true },
        { new ContainerFilter { Id = "abc" }, true },
        { new ContainerFilter { Id = "abd" }, false },
        { new ContainerFilter { PodSandboxId = "pod9" }, true },
        { new ContainerFilter { PodSandboxId = "other" }, false },
        { new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerRunning } }, true },
        { new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerCreated } }, false },
        { new ContainerFilter { LabelSelector = { ["app"] = "web" } }, true },
        { new ContainerFilter { LabelSelector = { ["app"] = "web", ["tier"] = "back" } }, false },
        { new ContainerFilter { LabelSelector = { ["missing"] = "" } }, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_given_field_must_match(ContainerFilter? filter, bool matches) =>
        Assert.Equal(matches, ContainerFilters.Matches(filter, Web));
}
