using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Helper.Container;

/// <summary>
/// The container's read-only /sys/fs/cgroup, as the daemon planned it (<see cref="ContainerProcessSpec.Cgroups"/>):
/// on v2 a bind of its own cgroup directory; on v1 (and hybrid) a tmpfs with each hierarchy's directory bound under
/// the hierarchy's name, as runc does without a cgroup namespace. The sources are host paths, bound while this mount
/// namespace still has the host's mounts.
/// </summary>
internal static class CgroupFilesystem
{
    private const MountFlags Locked = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec;

    public static void Mount(IReadOnlyList<CgroupPlacement> placements, string target)
    {
        if (placements is [{ Hierarchy: "" } unified])
        {
            ContainerMounts.Bind(unified.Directory, target, recursive: false);
            ContainerMounts.Remount(target, MountFlags.ReadOnly | Locked);
            return;
        }
        ContainerMounts.Mount("tmpfs", target, "tmpfs", Locked, "mode=755");
        foreach (var placement in placements.Where(p => p.Hierarchy.Length > 0))
        {
            var directory = Path.Combine(target, placement.Hierarchy);
            Directory.CreateDirectory(directory);
            ContainerMounts.Bind(placement.Directory, directory, recursive: false);
            ContainerMounts.Remount(directory, MountFlags.ReadOnly | Locked);
        }
        ContainerMounts.Remount(target, MountFlags.ReadOnly | Locked);
    }
}
