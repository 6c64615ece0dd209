namespace CriShim.Contract;

/// <summary>
/// <c>{state}/exit.json</c>, written atomically by the monitor after the container ended and its output
/// was drained into the log (or after a failed start, with <see cref="StartError"/>).
/// </summary>
public sealed record ContainerExitRecord
{
    /// <summary>0 when the start failed before the command ran.</summary>
    public int Pid { get; set; }

    /// <summary>The exit status, or 128 + signal when killed by a signal (as containerd reports).</summary>
    public required int ExitCode { get; set; }

    /// <summary>The signal that killed it, 0 when it exited.</summary>
    public int Signal { get; set; }

    /// <summary>Unix nanoseconds.</summary>
    public required long FinishedAt { get; set; }

    /// <summary>The container cgroup's oom_kill counter grew while it ran.</summary>
    public bool OomKilled { get; set; }

    public string? StartError { get; set; }
}
