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
    IPodInfraRuntime infra,
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

    /// <summary>
    /// Held while deciding which cgroup parents exist, are created or are removed, so two pods made or
    /// removed at once under one parent never act on a record the other has just changed.
    /// </summary>
    private readonly AsyncMutex _cgroupParents = new();

    private SandboxDirectory DirectoryOf(string id) => SandboxDirectory.For(config.State, id);
}
