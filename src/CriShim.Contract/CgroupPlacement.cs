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
