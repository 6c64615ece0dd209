using CriShim.Protocol.V1;
using CriShim.Runtime.Daemon;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>
    /// Force-stops the container if needed, then removes its cgroup, writable layer, state and
    /// record. An unknown id is fine (already removed), as the kubelet expects. The log file stays:
    /// it belongs to the kubelet.
    /// </summary>
    public async Task RemoveAsync(string idOrPrefix)
    {
        if (Store.Resolve(idOrPrefix) is not { } found)
        {
            return;
        }
        using var held = await containers.LockAsync(found.Id, CancellationToken.None);
        if (Store.Find(found.Id) is not { } container)
        {
            return;
        }
        await StopLockedAsync(container, TimeSpan.Zero);
        // Also for CREATED and half-started containers: nothing may be left in the cgroup.
        await RemoveCgroupsAsync(container.Record);
        FaultPoint.Reach("remove-container.after-cgroup");
        DeleteDirectories(container.Id);
        Store.Remove(container.Id);
        containers.CpuRates.Forget(container.Id);
        containers.Publish(container.Record, ContainerEventType.ContainerDeletedEvent);
        log.LogInformation("container {Id} removed", container.Id);
    }
}
