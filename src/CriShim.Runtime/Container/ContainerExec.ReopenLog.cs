using CriShim.Contract;
using CriShim.Native;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerExec
{
    private static readonly TimeSpan ReopenTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After the kubelet renamed the log for rotation: the monitor starts a new file at the same
    /// path. Returns once the new file exists, so the kubelet's next look finds it.
    /// </summary>
    public async Task ReopenLogAsync(string idOrPrefix)
    {
        var container = containers.Refresh(containers.Store.Get(idOrPrefix));
        var status = container.Status;
        if (!status.State.CanExec() || container.Record.LogPath.Length == 0)
        {
            throw new FailedPreconditionException($"container {container.Id} is not running with a log file; there is no log to reopen");
        }
        if (!Processes.Signal(new ProcessIdentity(status.MonitorPid, status.MonitorStartTime), MonitorSignals.ReopenLog))
        {
            throw new FailedPreconditionException($"the monitor of container {container.Id} is gone; the container is exiting");
        }
        var deadline = DateTime.UtcNow + ReopenTimeout;
        while (!File.Exists(container.Record.LogPath))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new IOException($"the monitor of container {container.Id} did not reopen {container.Record.LogPath} within {ReopenTimeout.TotalSeconds} s");
            }
            await Task.Delay(20);
        }
    }
}
