using CriShim.Runtime.Cgroups;

namespace CriShim.Runtime.Container;

/// <summary>
/// The container RPCs that only report, one partial file each: status, list and stats answer from memory
/// (<see cref="ContainerDetails"/>) plus what the monitors recorded, and the cgroups for usage.
/// </summary>
public sealed partial class ContainerInspection(ContainerTracker containers, ICgroupManager cgroups) : IContainerInspection
{
    private ContainerStore Store => containers.Store;
}
