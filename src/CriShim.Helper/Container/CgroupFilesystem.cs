using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Helper.Container;

/// <summary>
/// The container's read-only /sys/fs/cgroup: on v2 its own cgroup directory; on v1 (and hybrid) a
/// tmpfs with each hierarchy's container directory bound under the hierarchy's name, as runc does
/// without a cgroup namespace. Planned from the host's tables by the monitor before the container's process
/// exists: the container's directory in each hierarchy it is placed in, the monitor's own (which the process
/// inherits) in the others.
/// </summary>
internal sealed class CgroupFilesystem
{
    private const string HostRoot = "/sys/fs/cgroup";
    private const MountFlags Locked = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec;

    /// <summary>Name under /sys/fs/cgroup ("" for a v2 root mount) → the host directory of the container's cgroup.</summary>
    private readonly List<(string Name, string Source)> _binds;

    private CgroupFilesystem(List<(string, string)> binds) => _binds = binds;

    /// <param name="procsFiles">The cgroup.procs files the container's process will be written to.</param>
    public static CgroupFilesystem Plan(IReadOnlyList<string> procsFiles)
    {
        // The daemon may name a co-mounted v1 hierarchy by its symlink (/sys/fs/cgroup/cpu for cpu,cpuacct).
        var placed = procsFiles.Select(p => Path.GetDirectoryName(p)!)
            .Select(d => InRootPath.Resolve("/", d, InRootPath.Missing.Null)
                ?? throw new InitStageException(StartFailure.Setup, $"the container's cgroup {d} does not exist"))
            .ToList();
        var memberships = File.ReadAllLines("/proc/self/cgroup")
            .Select(l => l.Split(':', 3))
            .Where(f => f.Length == 3)
            .ToList();
        var binds = new List<(string, string)>();
        foreach (var mount in MountTable.Read())
        {
            if (mount.MountPoint != HostRoot && !mount.MountPoint.StartsWith(HostRoot + "/", StringComparison.Ordinal))
            {
                continue;
            }
            string[]? membership = mount.FileSystemType switch
            {
                "cgroup2" => memberships.FirstOrDefault(m => m[0] == "0" && m[1].Length == 0),
                "cgroup" => memberships.FirstOrDefault(m => SameControllers(m[1], mount.SuperOptions)),
                _ => null,
            };
            var own = mount.FileSystemType is "cgroup" or "cgroup2"
                ? placed.FirstOrDefault(d => d.StartsWith(mount.MountPoint + "/", StringComparison.Ordinal))
                : null;
            if (membership is null && own is null)
            {
                continue;
            }
            var relative = own is null ? Path.GetRelativePath(mount.Root, membership![2]) : null;
            var source = own ?? (relative == "." ? mount.MountPoint : Path.Combine(mount.MountPoint, relative!));
            binds.Add((Path.GetRelativePath(HostRoot, mount.MountPoint) is "." ? "" : Path.GetRelativePath(HostRoot, mount.MountPoint), source));
        }
        return new CgroupFilesystem(binds);
    }

    public void Mount(string target)
    {
        if (_binds is [{ Name: "" } unified])
        {
            ContainerMounts.Bind(unified.Source, target, recursive: false);
            ContainerMounts.Remount(target, MountFlags.ReadOnly | Locked);
            return;
        }
        ContainerMounts.Mount("tmpfs", target, "tmpfs", Locked, "mode=755");
        foreach (var (name, source) in _binds.Where(b => b.Name.Length > 0))
        {
            var directory = Path.Combine(target, name);
            Directory.CreateDirectory(directory);
            ContainerMounts.Bind(source, directory, recursive: false);
            ContainerMounts.Remount(directory, MountFlags.ReadOnly | Locked);
        }
        ContainerMounts.Remount(target, MountFlags.ReadOnly | Locked);
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
