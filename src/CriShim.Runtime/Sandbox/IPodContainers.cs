namespace CriShim.Runtime.Sandbox;

/// <summary>
/// The containers of a pod, as the sandbox lifecycle needs them: Stop kills them at once before the network
/// and pause go (the kubelet has already given each its grace period, and containerd does the same);
/// Remove removes them. Implemented by the container service.
/// </summary>
public interface IPodContainers
{
    Task StopAllAsync(string sandboxId, CancellationToken cancel);

    Task RemoveAllAsync(string sandboxId, CancellationToken cancel);
}
