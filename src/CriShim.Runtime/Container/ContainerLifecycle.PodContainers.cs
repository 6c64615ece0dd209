using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>
    /// StopPodSandbox: the kubelet has given each container its grace already, so what is still
    /// running is killed at once (as containerd does). The containers stay listable as EXITED.
    /// </summary>
    public async Task StopAllAsync(string sandboxId, CancellationToken cancel)
    {
        foreach (var container in Store.All.Where(c => c.Record.SandboxId == sandboxId))
        {
            using var held = await containers.LockAsync(container.Id, cancel);
            if (Store.Find(container.Id) is { } current)
            {
                await StopLockedAsync(current, TimeSpan.Zero);
            }
        }
    }

    /// <summary>RemovePodSandbox: every container of the pod goes, running or not.</summary>
    public async Task RemoveAllAsync(string sandboxId, CancellationToken cancel)
    {
        var podContainers = Store.All.Where(c => c.Record.SandboxId == sandboxId).ToList();
        foreach (var container in podContainers)
        {
            await RemoveAsync(container.Id);
        }
        if (podContainers.Count > 0)
        {
            log.LogInformation("removed {Count} containers of pod sandbox {Sandbox}", podContainers.Count, sandboxId);
        }
    }
}
