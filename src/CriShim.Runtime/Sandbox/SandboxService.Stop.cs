using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Daemon;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>
    /// Stops the pod's containers, detaches its network and stops pause (if it has one; the pins stay until Remove). Idempotent, and an unknown
    /// id (already removed) is fine, as the kubelet expects.
    /// </summary>
    public async Task StopAsync(string idOrPrefix, CancellationToken cancel)
    {
        if (store.Resolve(idOrPrefix) is not { } found)
        {
            return;
        }
        using var held = await _locks.LockAsync(found.Id, cancel);
        if (store.Find(found.Id) is { } record)
        {
            await StopLockedAsync(record, cancel);
        }
    }

    private async Task StopLockedAsync(PodSandboxRecord record, CancellationToken cancel)
    {
        await containers.StopAllAsync(record.Id, cancel);
        FaultPoint.Reach("stop-pod.after-containers");
        if (record.NetworkAttached)
        {
            await network.TearDownAsync(record.Id, cancel);
            FaultPoint.Reach("stop-pod.after-cni");
            store.Update(record.Id, r => r with { NetworkAttached = false });
        }
        StopPause(record.Pause);
        FaultPoint.Reach("stop-pod.after-pause");
        if (record.State != PodSandboxLifecycle.NotReady)
        {
            store.Update(record.Id, r => r with { State = PodSandboxLifecycle.NotReady });
            Publish(record.Id, ContainerEventType.ContainerStoppedEvent);
            log.LogInformation("pod sandbox {Id} stopped", record.Id);
        }
    }

    /// <summary>SIGTERM, then SIGKILL after the grace; a pause that is gone already is fine.</summary>
    private void StopPause(ProcessIdentity pause)
    {
        if (pause.Pid <= 0 || !infra.Signal(pause, Signals.SIGTERM) || infra.WaitForExit(pause, PauseGrace))
        {
            return;
        }
        infra.Signal(pause, Signals.SIGKILL);
        infra.WaitForExit(pause, PauseGrace);
    }
}
