using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerService
{
    /// <summary>Applies new limits to the container's cgroup (live when it runs) and records them for status.</summary>
    public async Task UpdateResourcesAsync(string idOrPrefix, LinuxContainerResources? resources)
    {
        if (resources is null)
        {
            throw new InvalidArgumentException("UpdateContainerResources needs linux resources");
        }
        var found = store.Get(idOrPrefix);
        using var held = await _locks.LockAsync(found.Id, CancellationToken.None);
        var container = Refresh(store.Get(found.Id));
        if (container.Status.State is not (ContainerState.ContainerCreated or ContainerState.ContainerRunning))
        {
            throw new FailedPreconditionException($"container {container.Id} is {StateName(container.Status.State)}; only created or running containers take new resources");
        }
        ApplyResources(container.Record.CgroupPath, resources);
        store.Update(container.Id, s => s with { ResourcesJson = JsonFormatter.Default.Format(resources) });
        log.LogInformation("container {Id}: resources updated to {Resources}", container.Id, resources);
    }
}
