using CriShim.Protocol.V1;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Container;

/// <summary>The containers of a pod as the sandbox service uses them, from the lifecycle, the inspection and the tracker.</summary>
public sealed class PodContainers(ContainerLifecycle lifecycle, ContainerInspection inspection, ContainerTracker containers) : IPodContainers
{
    public Task StopAllAsync(string sandboxId, CancellationToken cancel) => lifecycle.StopAllAsync(sandboxId, cancel);

    public Task RemoveAllAsync(string sandboxId, CancellationToken cancel) => lifecycle.RemoveAllAsync(sandboxId, cancel);

    public IReadOnlyList<ContainerStats> StatsOf(string sandboxId) => inspection.StatsOf(sandboxId);

    public IReadOnlyList<string> CgroupsOf(string sandboxId) => inspection.CgroupsOf(sandboxId);

    public IReadOnlyList<ContainerStatus> StatusesOf(string sandboxId) => containers.StatusesOf(sandboxId);
}
