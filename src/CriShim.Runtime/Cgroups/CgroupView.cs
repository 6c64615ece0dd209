using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Runtime.Cgroups;

/// <summary>
/// What a container's /sys/fs/cgroup shows, planned once here so the helper only mounts it: its own cgroup in every
/// hierarchy crishim placed it in, and in every other hierarchy mounted there the cgroup it inherits, the daemon's
/// (the monitor leaves only the placed ones).
/// </summary>
public static class CgroupView
{
    /// <summary>From the daemon's own mount table and <c>/proc/self/cgroup</c>.</summary>
    public static IReadOnlyList<CgroupPlacement> Of(IReadOnlyList<CgroupPlacement> placed) =>
        Plan(placed, MountTable.Read(), File.ReadAllLines("/proc/self/cgroup"));

    /// <param name="placed">The container's cgroups (<see cref="ICgroupManager.Placements"/>).</param>
    /// <param name="mounts">The daemon's mount table.</param>
    /// <param name="memberships">The daemon's <c>/proc/self/cgroup</c>: <c>id:controllers:path</c>, <c>0::path</c> for cgroup2.</param>
    /// <param name="root">Where the hierarchies are mounted.</param>
    public static IReadOnlyList<CgroupPlacement> Plan(
        IReadOnlyList<CgroupPlacement> placed, IReadOnlyList<MountTableEntry> mounts, IEnumerable<string> memberships, string root = CgroupHierarchy.DefaultRoot)
    {
        var own = memberships.Select(l => l.Split(':', 3)).Where(f => f.Length == 3).ToList();
        var inherited = new List<CgroupPlacement>();
        foreach (var mount in mounts.Where(m => m.FileSystemType is "cgroup" or "cgroup2"))
        {
            var hierarchy = mount.MountPoint == root ? ""
                : mount.MountPoint.StartsWith(root + "/", StringComparison.Ordinal) ? mount.MountPoint[(root.Length + 1)..]
                : null;
            if (hierarchy is null || placed.Any(p => p.Hierarchy == hierarchy))
            {
                continue;
            }
            var membership = mount.FileSystemType == "cgroup2"
                ? own.FirstOrDefault(m => m[0] == "0" && m[1].Length == 0)
                : own.FirstOrDefault(m => SameControllers(m[1], mount.SuperOptions));
            if (membership is null)
            {
                continue;
            }
            var relative = Path.GetRelativePath(mount.Root, membership[2]);
            inherited.Add(new CgroupPlacement
            {
                Hierarchy = hierarchy,
                Directory = relative == "." ? mount.MountPoint : Path.Combine(mount.MountPoint, relative),
                Inherited = true,
            });
        }
        return [.. placed, .. inherited];
    }

    /// <summary>A v1 hierarchy's controllers ("cpu,cpuacct", "name=systemd") against the mount's super options.</summary>
    private static bool SameControllers(string controllers, string superOptions)
    {
        if (controllers.Length == 0)
        {
            return false;
        }
        var options = superOptions.Split(',').ToHashSet(StringComparer.Ordinal);
        return controllers.Split(',').All(options.Contains);
    }
}
