using CriShim.Native;
using CriShim.Contract;
using CriShim.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerService
{
    /// <summary>Exit code of a container whose end nobody recorded (as containerd reports it).</summary>
    public const int UnknownExitCode = 255;

    /// <summary>Exit code of a container whose command never ran.</summary>
    public const int StartErrorExitCode = 128;

    /// <summary>
    /// At daemon start-up, before the socket serves: rolls back every container a crash left creating,
    /// sweeps what no record names, and reconciles every stored container with what its monitor recorded
    /// while the daemon was away (still running, exited with a code, or gone without a trace).
    /// </summary>
    public async Task RecoverAllAsync()
    {
        foreach (var creating in store.Creating)
        {
            await RollBackAsync(creating.Id);
        }
        SweepOrphans();
        foreach (var container in store.All)
        {
            try
            {
                var refreshed = Refresh(container);
                log.LogInformation("container {Id} recovered: {State}{Pid}", container.Id, refreshed.Status.State,
                    refreshed.Status.State == ContainerState.ContainerRunning ? $" (pid {refreshed.Status.Pid})" : "");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                log.LogError(e, "container {Id} could not be recovered; it keeps its last known state", container.Id);
            }
        }
    }

    /// <summary>
    /// The container with its status brought up to date: a start the daemon did not see finish
    /// (started.json), an exit (exit.json), or a monitor that vanished without one (exit 255, Unknown).
    /// </summary>
    private StoredContainer Refresh(StoredContainer container)
    {
        var before = container.Status;
        var next = Observe(before, StateOf(container.Id));
        if (next == before)
        {
            return container;
        }
        var stored = UpdateState(container, current => current.State == before.State ? next : current) ?? next;
        if (stored.State == ContainerState.ContainerExited && before.State != ContainerState.ContainerExited)
        {
            log.LogInformation("container {Id} exited with code {Code} ({Reason})", container.Id, stored.ExitCode, stored.Reason);
        }
        return container with { Status = stored };
    }

    private static ContainerRunStatus Observe(ContainerRunStatus status, ContainerStateDirectory state)
    {
        if (status.State == ContainerState.ContainerExited)
        {
            return status;
        }
        if (status.State == ContainerState.ContainerCreated)
        {
            // Only a start interrupted by a daemon crash leaves started.json behind a CREATED status.
            if (state.ReadStarted() is not { } started)
            {
                return status;
            }
            status = Running(status, started.Pid, started.StartTime, started.MonitorPid, started.MonitorStartTime, started.StartedAt, started.OomScoreAdj);
        }
        if (state.ReadExit() is { } exit)
        {
            return Exited(status, exit);
        }
        if (IsAlive(status.MonitorPid, status.MonitorStartTime) || IsAlive(status.Pid, status.PidStartTime))
        {
            return status.State == ContainerState.ContainerUnknown && state.ReadStarted() is { } late
                ? Running(status, late.Pid, late.StartTime, late.MonitorPid, late.MonitorStartTime, late.StartedAt, late.OomScoreAdj)
                : status;
        }
        // The monitor writes exit.json just before it exits: look once more before calling it lost.
        return state.ReadExit() is { } lastMoment
            ? Exited(status, lastMoment)
            : status with
            {
                State = ContainerState.ContainerExited,
                ExitCode = UnknownExitCode,
                FinishedAt = status.FinishedAt > 0 ? status.FinishedAt : CriTimestamp.Now(),
                Reason = "Unknown",
                Message = "the container's monitor ended without recording an exit status (node reboot or killed monitor)",
            };
    }

    private static ContainerRunStatus Running(
        ContainerRunStatus status, int pid, ulong startTime, int monitorPid, ulong monitorStartTime, long startedAt, int? oomScoreAdj) =>
        status with
        {
            State = ContainerState.ContainerRunning,
            Pid = pid,
            PidStartTime = startTime,
            MonitorPid = monitorPid,
            MonitorStartTime = monitorStartTime,
            StartedAt = startedAt,
            EffectiveOomScoreAdj = oomScoreAdj ?? status.EffectiveOomScoreAdj,
        };

    private static ContainerRunStatus Exited(ContainerRunStatus status, ContainerExitRecord exit) => status with
    {
        State = ContainerState.ContainerExited,
        ExitCode = exit.ExitCode,
        FinishedAt = exit.FinishedAt,
        Reason = exit.StartError is not null ? "StartError"
            : exit.OomKilled ? "OOMKilled"
            : exit.ExitCode == 0 ? "Completed"
            : "Error",
        Message = exit.StartError ?? "",
    };

    private static bool IsAlive(int pid, ulong startTime) => pid > 0 && new ProcessIdentity(pid, startTime).IsAlive;
}
