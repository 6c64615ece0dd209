using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Runtime.Cgroups;

/// <summary>
/// What a container's /sys/fs/cgroup shows, planned once here so the helper only mounts it: its own cgroup in every
/// hierarchy crishim placed it in, and in every other hierarchy mounted there the cgroup it inherits, the daemon's
/// (the monitor leaves only the placed ones).
/// </summary>
/// <param name="root">Where the hierarchies are mounted: /sys/fs/cgroup, which the container's view mirrors.</param>
public sealed class CgroupView(string root)
{
    /// <summary>The cgroup mounts do not change while the daemon runs: the mount table is read once, not at every CreateContainer.</summary>
    private readonly Lazy<IReadOnlyList<MountTableEntry>> _mounts =
        new(() => MountTable.Read().Where(m => m.FileSystemType is "cgroup" or "cgroup2").ToList());

    /// <summary>From the daemon's mount table and its <c>/proc/self/cgroup</c> now (the monitor inherits those memberships).</summary>
    public IReadOnlyList<CgroupPlacement> Of(IReadOnlyList<CgroupPlacement> placed) =>
        Plan(placed, _mounts.Value, File.ReadAllLines("/proc/self/cgroup"), root);

    /// <param name="placed">The container's cgroups (<see cref="ICgroupManager.Placements"/>), named relative to <paramref name="root"/>.</param>
    /// <param name="mounts">The daemon's mount table.</param>
    /// <param name="memberships">The daemon's <c>/proc/self/cgroup</c>: <c>id:controllers:path</c>, <c>0::path</c> for cgroup2.</param>
    /// <param name="root">Where the hierarchies are mounted: /sys/fs/cgroup, which the container's view mirrors.</param>
    public static IReadOnlyList<CgroupPlacement> Plan(
        IReadOnlyList<CgroupPlacement> placed, IReadOnlyList<MountTableEntry> mounts, IEnumerable<string> memberships, string root = CgroupHierarchy.DefaultRoot)
    {
        var daemons = memberships.Select(l => l.Split(':', 3)).Where(f => f.Length == 3).ToList();
        var view = new List<CgroupPlacement>();
        foreach (var mount in mounts.Where(m => m.FileSystemType is "cgroup" or "cgroup2"))
        {
            var hierarchy = mount.MountPoint == root ? ""
                : mount.MountPoint.StartsWith(root + "/", StringComparison.Ordinal) ? mount.MountPoint[(root.Length + 1)..]
                : null;
            if (hierarchy is null || view.Any(p => p.Hierarchy == hierarchy))
            {
                continue;
            }
            if (placed.FirstOrDefault(p => p.Hierarchy == hierarchy) is { } own)
            {
                view.Add(own);
                continue;
            }
            var membership = mount.FileSystemType == "cgroup2"
                ? daemons.FirstOrDefault(m => m[0] == "0" && m[1].Length == 0)
                : daemons.FirstOrDefault(m => SameControllers(m[1], mount.SuperOptions));
            if (membership is null)
            {
                continue;
            }
            var relative = Path.GetRelativePath(mount.Root, membership[2]);
            view.Add(new CgroupPlacement
            {
                Hierarchy = hierarchy,
                Directory = relative == "." ? mount.MountPoint : Path.Combine(mount.MountPoint, relative),
                Inherited = true,
            });
        }
        // In the table's order, as the host shows them; a placed cgroup the table lacks is still joined.
        return [.. view, .. placed.Where(p => !view.Contains(p))];
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
