namespace CriShim.Contract;

/// <summary>
/// A process's cgroup in one hierarchy, as the daemon planned it from the host's mount table: <see cref="Directory"/>
/// on the host, which the container sees at <c>/sys/fs/cgroup/</c><see cref="Hierarchy"/>.
/// </summary>
public sealed record CgroupPlacement
{
    /// <summary>The hierarchy's mount point under /sys/fs/cgroup: "" for a cgroup2 mounted there, else e.g. "memory", "cpu,cpuacct", "unified".</summary>
    public required string Hierarchy { get; init; }

    /// <summary>The cgroup's host directory, symlinks resolved.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// In a hierarchy crishim does not manage, the cgroup the process inherits (the daemon's): shown in the container,
    /// never joined.
    /// </summary>
    public bool Inherited { get; init; }
}

/// <summary>Where the container's memory cgroup counts OOM kills: the <c>oom_kill</c> line of v2 memory.events or v1 memory.oom_control.</summary>
public sealed record OomKillCounter
{
    /// <summary>The container's cgroup in the memory controller's hierarchy.</summary>
    public required string Directory { get; init; }

    /// <summary>A cgroup2 memory controller (memory.events); false: v1 (memory.oom_control).</summary>
    public required bool Unified { get; init; }

    public string FilePath() => Path.Combine(Directory, Unified ? CgroupFileNames.MemoryEvents : CgroupFileNames.MemoryOomControl);
}
