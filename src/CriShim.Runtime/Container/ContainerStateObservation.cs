using CriShim.Contract;
using CriShim.Native;
using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>
/// The state transitions a container's status takes from what its monitor recorded: started.json, exit.json, and
/// whether the monitor or the container still run (pid plus start time, so a recycled pid is never taken for them).
/// </summary>
public static class ContainerStateObservation
{
    /// <summary>Exit code of a container whose end nobody recorded (as containerd reports it).</summary>
    public const int UnknownExitCode = 255;

    /// <summary>Exit code of a container whose command never ran.</summary>
    public const int StartErrorExitCode = 128;

    /// <summary>The status as the state directory says now; the same status when nothing changed.</summary>
    public static ContainerRunStatus Observe(ContainerRunStatus status, ContainerStateDirectory state)
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

    public static ContainerRunStatus Running(
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

    /// <summary>A start the helper refused: the command never ran.</summary>
    public static ContainerRunStatus StartFailed(ContainerRunStatus status, string error) => status with
    {
        State = ContainerState.ContainerExited,
        ExitCode = StartErrorExitCode,
        FinishedAt = CriTimestamp.Now(),
        Reason = "StartError",
        Message = error,
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
