using CriShim.Native;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>How long rolling back one sandbox may wait for CNI DEL.</summary>
    private static readonly TimeSpan RollBackNetworkTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Undoes everything a Run that did not finish may have acquired, as its record names it: CNI DEL
    /// replayed from the CNI cache, pause (by pid and start time, and the whole cgroup for a pause
    /// not yet recorded), pins, /dev/shm, cgroups with the parents Run created, the state dir; then
    /// the record and the name. Runs when Run fails and, at start-up, for every record a crash left
    /// creating. When a step fails the sandbox stays, NOTREADY, for RemovePodSandbox to finish.
    /// </summary>
    private async Task RollBackAsync(string id)
    {
        if (store.FindAny(id) is not { } record)
        {
            return;
        }
        try
        {
            using (var deadline = new CancellationTokenSource(RollBackNetworkTimeout))
            {
                await network.TearDownAsync(id, deadline.Token);
            }
            if (record.Pause.Pid > 0)
            {
                infra.Signal(record.Pause, Signals.SIGKILL);
            }
            // A sandbox-init still running (it joins the cgroup first) could pin a pod without pause after its pins went.
            await Task.Run(() => cgroups.Kill(record.CgroupPath));
            await ReleaseHostResourcesAsync(id);
        }
        catch (Exception e)
        {
            store.Update(id, r => r with { State = PodSandboxLifecycle.NotReady, NetworkAttached = true });
            log.LogError(e, "rolling back the half-made pod sandbox {Id} failed; it stays NOTREADY for RemovePodSandbox", id);
            return;
        }
        store.Remove(id);
        store.Names.Release(PodSandboxRecord.NameOf(record.Config.Metadata), id);
        log.LogWarning("pod sandbox {Id} ({Name}) did not finish being created; rolled back", id, PodSandboxRecord.NameOf(record.Config.Metadata));
    }
}
