using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>Applies new limits to the container's cgroup (live when it runs) and records them for status.</summary>
    public async Task UpdateResourcesAsync(string idOrPrefix, LinuxContainerResources? resources)
    {
        if (resources is null)
        {
            throw new InvalidArgumentException("UpdateContainerResources needs linux resources");
        }
        var found = Store.Get(idOrPrefix);
        using var held = await containers.LockAsync(found.Id, CancellationToken.None);
        var container = containers.Refresh(Store.Get(found.Id));
        if (container.Status.State is not (ContainerState.ContainerCreated or ContainerState.ContainerRunning))
        {
            throw new FailedPreconditionException($"container {container.Id} is {container.Status.State.Describe()}; only created or running containers take new resources");
        }
        ApplyResources(container.Record.CgroupPath, resources);
        Store.Update(container.Id, s => s with { ResourcesJson = JsonFormatter.Default.Format(resources) });
        log.LogInformation("container {Id}: resources updated to {Resources}", container.Id, resources);
    }
}
