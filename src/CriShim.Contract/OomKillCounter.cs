namespace CriShim.Contract;

/// <summary>Where the container's memory cgroup counts OOM kills: the <c>oom_kill</c> line of v2 memory.events or v1 memory.oom_control.</summary>
public sealed record OomKillCounter
{
    /// <summary>The container's cgroup in the memory controller's hierarchy.</summary>
    public required string Directory { get; init; }

    /// <summary>A cgroup2 memory controller (memory.events); false: v1 (memory.oom_control).</summary>
    public required bool Unified { get; init; }

    public string FilePath() => Path.Combine(Directory, Unified ? CgroupFileNames.MemoryEvents : CgroupFileNames.MemoryOomControl);
}
