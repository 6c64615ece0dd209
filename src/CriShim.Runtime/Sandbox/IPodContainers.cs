using CriShim.Protocol.V1;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// The containers of a pod, as the sandbox lifecycle needs them: Stop kills them at once before the network
/// and pause go (the kubelet has already given each its grace period, and containerd does the same);
/// Remove removes them; stats and events report them. Implemented by <c>Container.PodContainers</c>.
/// </summary>
public interface IPodContainers
{
    Task StopAllAsync(string sandboxId, CancellationToken cancel);

    Task RemoveAllAsync(string sandboxId, CancellationToken cancel);

    /// <summary>ContainerStats of each container of the pod (PodSandboxStats carries them).</summary>
    IReadOnlyList<ContainerStats> StatsOf(string sandboxId);

    /// <summary>The containers' cgroups, for pod totals when the pod shares its cgroup parent with other pods.</summary>
    IReadOnlyList<string> CgroupsOf(string sandboxId);

    /// <summary>What ContainerStatus says of each container of the pod (for the pod's events).</summary>
    IReadOnlyList<ContainerStatus> StatusesOf(string sandboxId);
}
