using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Events;
using CriShim.Runtime.Image;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

/// <summary>
/// The container RPCs, one partial file each. Calls for one container are serialized; different
/// containers proceed in parallel. Containers are never the daemon's children: their monitors
/// record what happens to them in <see cref="ContainerStateDirectory"/>, which this service reads
/// whenever it reports a container (<see cref="Refresh"/>), so a restarted daemon loses nothing.
/// </summary>
public sealed partial class ContainerService(
    DaemonConfig daemon,
    ContainerStore store,
    PodSandboxStore sandboxes,
    ImageStore images,
    ICgroupManager cgroups,
    ContainerRuntimeHelper helper,
    ContainerEventBroadcaster events,
    ILogger<ContainerService> log) : IPodContainers
{
    private readonly KeyedAsyncLock _locks = new();
    private bool _oomClampReported;

    private ContainerStateDirectory StateOf(string id) => ContainerStateDirectory.For(daemon.State, id);
}
