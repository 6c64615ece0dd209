using System.Globalization;
using CriShim.Native;

namespace CriShim.Helper;

/// <summary>
/// Pause is a container too: in a pod with a shared PID namespace it is everyone's PID 1, and its
/// /proc/1/root, cwd, mountinfo and exe are the pod's to read. <see cref="Enter"/> gives it a mount
/// namespace of its own whose root is a small tmpfs holding only what its exec needs, bound read-only:
/// its own binary, the loader, the libraries and the loader's cache. The exec makes every thread of the
/// confined image start in that namespace; <see cref="Seal"/> then unmounts and removes all of it, so
/// the root is empty and read-only, and drops every capability (no_new_privs, not dumpable).
/// </summary>
internal static class PauseRoot
{
    /// <summary>The confined image's path inside its root.</summary>
    public const string Binary = "/pause";

    /// <summary>Any directory serves as the new root's mount point in the private namespace.</summary>
    private const string MountPoint = "/tmp";

    /// <summary>Builds the root and pivots into it; returns the kernel's last capability, read while the host's /proc is in view.</summary>
    public static int Enter()
    {
        var lastCapability = ThreadCapabilities.ReadLastCapability();
        Namespaces.UnshareCurrentThread(NamespaceKinds.Mount);
        ContainerMounts.SetPropagation("/", MountFlags.Private | MountFlags.Recursive);
        // Opened in the new namespace (a bind source must be in the caller's: /proc/self/exe would name the old
        // namespace's mount, so the executable by its path) and before the mount point is covered.
        var sources = HelperFiles.OfThisProcess().InRoot(Binary)
            .Select(file => (Path: file.Target, Source: ResolvedPaths.OpenHost(file.Source == HelperFiles.Executable ? Environment.ProcessPath! : file.Source)))
            .ToList();
        ContainerMounts.Mount("tmpfs", MountPoint, "tmpfs", MountFlags.NoSuid | MountFlags.NoDev, "size=64k,nr_inodes=64,mode=0755");
        foreach (var (path, source) in sources)
        {
            using (source)
            {
                var target = MountPoint + path;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using (File.Create(target))
                {
                }
                ContainerMounts.Bind(ResolvedPaths.ProcPath(source), target, recursive: false);
                ContainerMounts.Remount(target, MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev);
            }
        }
        ContainerMounts.PivotRoot(MountPoint);
        return lastCapability;
    }

    /// <summary>In the confined image: removes everything from the root, makes it read-only and drops every privilege.</summary>
    public static void Seal(int lastCapability)
    {
        foreach (var (_, path) in HelperFiles.OfThisProcess().InRoot(Binary))
        {
            ContainerMounts.Unmount(path);
            File.Delete(path);
            for (var directory = Path.GetDirectoryName(path)!; directory != "/"; directory = Path.GetDirectoryName(directory)!)
            {
                if (Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    break;
                }
                Directory.Delete(directory);
            }
        }
        ContainerMounts.Remount("/", MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec);
        ThreadCapabilities.LimitBoundingSet(0, lastCapability);
        ThreadCredentials.SetNoNewPrivileges();
        ThreadCapabilities.Set(0, 0, 0);
        ThreadCredentials.SetNotDumpable();
    }

    public static string[] ConfinedArgs(int lastCapability) =>
        [Binary, "pause-confined", lastCapability.ToString(CultureInfo.InvariantCulture)];
}
