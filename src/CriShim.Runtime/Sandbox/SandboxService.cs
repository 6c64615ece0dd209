using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Events;
using CriShim.Runtime.Network;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// The pod sandbox RPCs, one partial file each. Calls for one sandbox are serialized; different
/// sandboxes proceed in parallel.
/// </summary>
public sealed partial class SandboxService(
    DaemonConfig config,
    PodSandboxStore store,
    ICgroupManager cgroups,
    PauseLauncher launcher,
    RuntimeHandlers handlers,
    IPodNetwork network,
    IPodContainers containers,
    ContainerEventBroadcaster events,
    ILogger<SandboxService> log)
{
    /// <summary>The cgroup parent of pods whose config names none.</summary>
    public const string DefaultCgroupParent = "/crishim";

    /// <summary>How long pause gets between SIGTERM and SIGKILL.</summary>
    private static readonly TimeSpan PauseGrace = TimeSpan.FromSeconds(5);

    private readonly KeyedAsyncLock _locks = new();

    private SandboxDirectory DirectoryOf(string id) => SandboxDirectory.For(config.State, id);
}
