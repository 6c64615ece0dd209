using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Daemon;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>How long the monitor gets to drain the output and record the exit after the cgroup is empty.</summary>
    private static readonly TimeSpan MonitorDrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends the stop signal, waits up to <paramref name="timeoutSeconds"/>, then SIGKILLs the whole
    /// cgroup and returns once the exit is recorded. Stopping a container that is not running is a no-op.
    /// </summary>
    public async Task StopAsync(string idOrPrefix, long timeoutSeconds)
    {
        var found = Store.Get(idOrPrefix);
        using var held = await containers.LockAsync(found.Id, CancellationToken.None);
        if (Store.Find(found.Id) is { } container)
        {
            await StopLockedAsync(container, TimeSpan.FromSeconds(Math.Clamp(timeoutSeconds, 0, int.MaxValue)));
        }
    }

    private async Task StopLockedAsync(StoredContainer container, TimeSpan grace)
    {
        container = containers.Refresh(container);
        if (!container.Status.State.MayHaveProcesses())
        {
            return;
        }
        Store.Update(container.Id, s => s with { StopRequested = true });
        FaultPoint.Reach("stop-container.after-intent");
        var status = container.Status;
        var process = new ProcessIdentity(status.Pid, status.PidStartTime);
        if (grace > TimeSpan.Zero && status.Pid > 0 && Processes.Signal(process, container.Record.StopSignal))
        {
            log.LogInformation("container {Id}: sent signal {Signal}, waiting up to {Grace} s", container.Id, container.Record.StopSignal, grace.TotalSeconds);
            await Task.Run(() => Processes.WaitForExit(process, grace));
        }
        // Whatever is left (children, a process that ignored the signal) goes with the whole cgroup.
        await Task.Run(() => cgroups.Kill(container.Record.CgroupPath));
        FaultPoint.Reach("stop-container.after-kill");
        if (status.MonitorPid > 0)
        {
            var monitor = new ProcessIdentity(status.MonitorPid, status.MonitorStartTime);
            await Task.Run(() => Processes.WaitForExit(monitor, MonitorDrainTimeout));
        }
        var stopped = containers.Refresh(Store.Get(container.Id));
        log.LogInformation("container {Id} stopped: {State}, exit code {Code}", container.Id, stopped.Status.State, stopped.Status.ExitCode);
    }
}
