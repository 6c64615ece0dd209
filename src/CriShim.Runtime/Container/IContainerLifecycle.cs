using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>The container RPCs that change what exists: create, start, stop, remove, new resources.</summary>
public interface IContainerLifecycle
{
    Task<string> CreateAsync(string podSandboxId, ContainerConfig? config);

    Task StartAsync(string idOrPrefix);

    Task StopAsync(string idOrPrefix, long timeoutSeconds);

    Task RemoveAsync(string idOrPrefix);

    Task UpdateResourcesAsync(string idOrPrefix, LinuxContainerResources? resources);

    /// <summary>Dumps a running container with <paramref name="checkpointer"/> into an archive at <paramref name="location"/>; it goes on running.</summary>
    Task CheckpointAsync(Checkpoint.ContainerCheckpointer checkpointer, string idOrPrefix, string location, long timeoutSeconds);
}
