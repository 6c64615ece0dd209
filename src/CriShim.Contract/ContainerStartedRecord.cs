namespace CriShim.Contract;

/// <summary>
/// <c>{state}/started.json</c>, written atomically by the monitor once the command runs: lets a restarted
/// daemon find the live container and its monitor (pid plus start time, never a pid alone).
/// </summary>
public sealed record ContainerStartedRecord
{
    public required int Pid { get; set; }

    public required ulong StartTime { get; set; }

    public required int MonitorPid { get; set; }

    public required ulong MonitorStartTime { get; set; }

    /// <summary>Unix nanoseconds.</summary>
    public required long StartedAt { get; set; }

    public int? OomScoreAdj { get; set; }
}
