namespace CriShim.Contract;

/// <summary>
/// What <c>container-start</c> prints on stdout: the monitor and the container as pid plus start time, or
/// why the container could not start (then no process of it is left and exit.json holds the same error).
/// </summary>
public sealed record ContainerStartResult
{
    public int MonitorPid { get; set; }

    public ulong MonitorStartTime { get; set; }

    /// <summary>The container's init process as the host sees it.</summary>
    public int Pid { get; set; }

    public ulong StartTime { get; set; }

    /// <summary>Unix nanoseconds when the command was executed.</summary>
    public long StartedAt { get; set; }

    /// <summary>The oom_score_adj the container really has (after clamping); null when none was asked.</summary>
    public int? OomScoreAdj { get; set; }

    public string? Error { get; set; }

    public StartFailure? Failure { get; set; }
}

/// <summary>Why a container did not start, so the daemon can pick a status code and reason.</summary>
public enum StartFailure
{
    /// <summary>The spec itself is wrong (missing field, unknown rlimit or capability).</summary>
    InvalidSpec,
    ExecutableNotFound,
    PermissionDenied,
    /// <summary>Namespaces, mounts, cgroup, credentials: the host refused a step.</summary>
    Setup,
    /// <summary>The helper itself failed or timed out.</summary>
    Internal,
}
