using CriShim.Contract;

namespace CriShim.Runtime.Cgroups;

/// <summary>
/// cgroupfs-style cgroups (paths such as <c>/kubepods/burstable/pod&lt;uid&gt;</c>) on whatever hierarchy
/// the host has. One implementation per cgroup version, chosen once at start-up (<see cref="CgroupHierarchy"/>).
/// </summary>
public interface ICgroupManager
{
    CgroupVersion Version { get; }

    /// <summary>
    /// Controllers crishim sets limits for that this host lacks (v1: not mounted; v2: not at the root);
    /// settings for them are skipped (<see cref="CgroupControllers"/>). Logged once at start-up.
    /// </summary>
    IReadOnlyList<string> MissingControllers { get; }

    /// <summary>Creates <paramref name="path"/> and its missing ancestors; returns the ones it created, outermost first.</summary>
    IReadOnlyList<string> Create(string path);

    bool Exists(string path);

    /// <summary>The cgroup in every hierarchy crishim manages; the helper moves processes in with <see cref="CgroupMembership"/>.</summary>
    IReadOnlyList<CgroupPlacement> Placements(string path);

    /// <summary>What a container in the cgroup sees at /sys/fs/cgroup: its placements among the host's hierarchies (<see cref="CgroupView"/>).</summary>
    IReadOnlyList<CgroupPlacement> ContainerView(string path);

    /// <summary>The <c>cgroup.procs</c> file of each placement, for the daemon's own reads.</summary>
    IReadOnlyList<string> ProcsFiles(string path) => Placements(path).Select(p => Path.Combine(p.Directory, CgroupFileNames.Procs)).ToList();

    /// <summary>Where the memory controller counts the cgroup's OOM kills; null when no hierarchy has it.</summary>
    OomKillCounter? OomKillCounter(string path);

    /// <summary>
    /// Writes the limits; those for a controller the cgroup does not have are skipped, as runc does. A value
    /// the kernel refuses throws an <see cref="IOException"/> naming the file and the value.
    /// </summary>
    void Apply(string path, CgroupResources resources);

    /// <summary>CPU, memory and swap usage of the cgroup; null when it does not exist (or vanishes while being read).</summary>
    CgroupStats? ReadStats(string path);

    /// <summary>Processes in the cgroup and every cgroup below it; 0 when it does not exist.</summary>
    int ProcessCount(string path);

    /// <summary>
    /// Denies the cgroup's processes every device (open and mknod) except what <paramref name="allowed"/> allows.
    /// For a new cgroup, before any process joins it.
    /// </summary>
    void RestrictDevices(string path, IReadOnlyList<DeviceRule> allowed);

    /// <summary>Kills every process in the cgroup and waits briefly until it is empty.</summary>
    void Kill(string path);

    /// <summary>
    /// Removes a cgroup without processes; a missing one is fine. One that still has child cgroups is
    /// left in place and false returned.
    /// </summary>
    bool Remove(string path);
}

public enum CgroupVersion
{
    V1 = 1,
    V2 = 2,
}
