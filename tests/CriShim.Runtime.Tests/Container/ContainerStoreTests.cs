using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private ContainerStore Open() => new(_dir.Path, NullLogger.Instance);

    private static readonly ContainerDetails Details = new(new ContainerConfig(), spec: null);

    private static ContainerRecord Record(string id, string sandbox = "sb1", string name = "web", uint attempt = 0) => new()
    {
        Id = id,
        SandboxId = sandbox,
        Name = name,
        Attempt = attempt,
        Image = "busybox",
        ImageId = "sha256:abc",
        CreatedAt = 1,
        ConfigJson = "{}",
        CgroupPath = "/pod/" + id,
        StopSignal = 15,
        SpecFile = "/spec.json",
    };

    [Fact]
    public void A_name_is_unique_per_sandbox_and_attempt_and_the_error_names_the_holder()
    {
        var store = Open();
        store.ReserveName("sb1", "web", 0, "aaa");

        var e = Assert.Throws<AlreadyExistsException>(() => store.ReserveName("sb1", "web", 0, "bbb"));
        Assert.Contains("aaa", e.Message);

        store.ReserveName("sb1", "web", 1, "ccc");
        store.ReserveName("sb2", "web", 0, "ddd");
        store.ReleaseName("sb1", "web", 0, "aaa");
        store.ReserveName("sb1", "web", 0, "eee");
    }

    [Fact]
    public void Records_statuses_and_names_survive_a_reload()
    {
        var store = Open();
        store.ReserveName("sb1", "web", 0, "c1");
        store.Add(Record("c1"), new ContainerRunStatus { Id = "c1" }, Details);
        store.Update("c1", s => s with { State = ContainerState.ContainerRunning, Pid = 42 });

        var reopened = Open();

        var container = reopened.Get("c1");
        Assert.Equal(ContainerState.ContainerRunning, container.Status.State);
        Assert.Equal(42, container.Status.Pid);
        Assert.Throws<AlreadyExistsException>(() => reopened.ReserveName("sb1", "web", 0, "c2"));
    }

    [Fact]
    public void Ids_resolve_by_unique_prefix_and_ambiguity_is_reported()
    {
        var store = Open();
        store.Add(Record("abc123", name: "a"), new ContainerRunStatus { Id = "abc123" }, Details);
        store.Add(Record("abd456", name: "b"), new ContainerRunStatus { Id = "abd456" }, Details);

        Assert.Equal("abc123", store.Get("abc").Id);
        Assert.Throws<InvalidArgumentException>(() => store.Get("ab"));
        Assert.Throws<NotFoundException>(() => store.Get("zzz"));
        Assert.Null(store.Resolve(""));
    }

    [Fact]
    public void Remove_frees_the_name_and_is_idempotent()
    {
        var store = Open();
        store.ReserveName("sb1", "web", 0, "c1");
        store.Add(Record("c1"), new ContainerRunStatus { Id = "c1" }, Details);

        store.Remove("c1");
        store.Remove("c1");

        Assert.Null(Open().Find("c1"));
        store.ReserveName("sb1", "web", 0, "c2");
        Assert.Null(store.Update("c1", s => s));
    }

    [Fact]
    public void State_rules()
    {
        Assert.True(ContainerState.ContainerCreated.CanStart());
        Assert.False(ContainerState.ContainerRunning.CanStart());
        Assert.False(ContainerState.ContainerExited.CanStart());
        Assert.True(ContainerState.ContainerRunning.CanExec());
        Assert.False(ContainerState.ContainerCreated.CanExec());
        Assert.True(ContainerState.ContainerUnknown.MayHaveProcesses());
        Assert.False(ContainerState.ContainerExited.MayHaveProcesses());
    }

    public void Dispose() => _dir.Dispose();
}
