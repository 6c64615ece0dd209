using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>
/// The changing part of a container, persisted under <c>{root}/containers/status</c> before anyone
/// sees it. Times are nanoseconds since the epoch (0 = not yet); the processes are pid plus start
/// time, so a recycled pid is never mistaken for the container.
/// </summary>
public sealed record ContainerRunStatus
{
    public required string Id { get; init; }
    public ContainerState State { get; init; } = ContainerState.ContainerCreated;

    /// <summary>
    /// True from before CreateContainer acquires anything until it has finished: a container still
    /// creating at start-up is what a crash interrupted, and is rolled back. Callers never see it.
    /// </summary>
    public bool Creating { get; init; }
    public long StartedAt { get; init; }
    public long FinishedAt { get; init; }
    public int ExitCode { get; init; }
    public string Reason { get; init; } = "";
    public string Message { get; init; } = "";

    public int Pid { get; init; }
    public ulong PidStartTime { get; init; }
    public int MonitorPid { get; init; }
    public ulong MonitorStartTime { get; init; }

    /// <summary>The resources last applied (CreateContainer, then UpdateContainerResources), as protobuf JSON.</summary>
    public string ResourcesJson { get; init; } = "";

    /// <summary>The oom_score_adj the process really got (clamped to the daemon's own).</summary>
    public int EffectiveOomScoreAdj { get; init; }

    /// <summary>Set once StopContainer has been asked, so a later exit is not reported as a surprise.</summary>
    public bool StopRequested { get; init; }
}
