using CriShim.Runtime.Configuration;
using CriShim.Runtime.Container;
using CriShim.Runtime.Events;
using CriShim.Runtime.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Container.Lifecycle;

/// <summary>
/// A node for the container services: --root and --state, cgroups, one ready pod and one image, all in a scratch
/// directory, and the monitors the fake runtime started. <see cref="RestartAsync"/> is a daemon (re)start: new
/// services over the same directories, recovered as the daemon does before it serves.
/// </summary>
internal sealed class ContainerNode : IDisposable
{
    public const string PodId = "pod1";

    private readonly TempDirectory _dir = new();

    public ContainerNode()
    {
        Config = new DaemonConfig { Root = _dir.Combine("root"), State = _dir.Combine("state") };
        Cgroups = new FakeCgroups(_dir.Combine("cgroup"));
        Directory.CreateDirectory(_dir.Combine("cgroup"));
        Cgroups.Create($"{FakePods.CgroupParent}/crishim-{PodId}");
        Pods.Add(PodId, _dir.Combine("logs"));
        Images = new FakeImages(_dir.Combine("layer"));
        Runtime = new FakeMonitorRuntime(Config);
    }

    public DaemonConfig Config { get; }
    public FakeCgroups Cgroups { get; }
    public FakePods Pods { get; } = new();
    public FakeImages Images { get; }
    public FakeMonitorRuntime Runtime { get; }

    public string Combine(params string[] parts) => _dir.Combine(parts);

    /// <summary>What a container leaves under --root, under --state and in the cgroups while it exists.</summary>
    public IReadOnlyList<string> TracesOf(string id) =>
        new[] { Path.Combine(Config.Root, "containers", id), Path.Combine(Config.State, "containers", id) }.Where(Directory.Exists)
            .Concat(Cgroups.Existing.Where(c => c.Contains(id, StringComparison.Ordinal)))
            .ToList();

    /// <summary>Every container directory under --root and --state, and every cgroup but the pod's.</summary>
    public IReadOnlyList<string> AllTraces() =>
        new[] { Path.Combine(Config.Root, "containers"), Path.Combine(Config.State, "containers") }.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateDirectories(d).Where(c => Path.GetFileName(c) is not ("metadata" or "status")))
            .Concat(Cgroups.Existing.Where(c => !c.EndsWith($"/crishim-{PodId}", StringComparison.Ordinal) && c != FakePods.CgroupParent))
            .ToList();

    public async Task<Daemon> RestartAsync()
    {
        var store = new ContainerStore(Path.Combine(Config.Root, "containers"), NullLogger.Instance);
        var tracker = new ContainerTracker(Config, store, Pods, new ContainerEventBroadcaster(NullLogger<ContainerEventBroadcaster>.Instance),
            NullLogger<ContainerTracker>.Instance);
        var planner = new ContainerPlanner(Config, tracker, Images, Cgroups, Runtime);
        var lifecycle = new ContainerLifecycle(Config, tracker, planner, Cgroups, Runtime, NullLogger<ContainerLifecycle>.Instance);
        await lifecycle.RecoverAllAsync();
        return new Daemon(lifecycle, new ContainerInspection(tracker, Cgroups));
    }

    public void Dispose()
    {
        Runtime.Dispose();
        _dir.Dispose();
    }

    /// <summary>One daemon run's container services.</summary>
    public sealed record Daemon(ContainerLifecycle Lifecycle, ContainerInspection Inspection);
}
