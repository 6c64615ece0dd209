using CriShim.Native;
using CriShim.Native.Protocol;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// Builds the container's file system view on the init stage's main thread, in runc's order: a new
/// mount namespace whose root no longer propagates to the host, the overlay, standard and CRI mounts,
/// pivot_root, masked and read-only paths, and finally a read-only root when asked. Every mount lives
/// only in this namespace, so it disappears with the container.
/// </summary>
internal static class RootfsSetup
{
    private const MountFlags Locked = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec;

    public static void Prepare(ContainerProcessSpec spec)
    {
        Namespaces.UnshareCurrentThread(NamespaceKinds.Mount);
        // Bidirectional volumes need the mount tree to stay a peer of the host's (containerd sets
        // rootfsPropagation=rshared for them); otherwise nothing done here may reach the host.
        var bidirectional = spec.Mounts.Any(m => m.Propagation == MountPropagation.Bidirectional);
        ContainerMounts.SetPropagation("/", (bidirectional ? MountFlags.Shared : MountFlags.Slave) | MountFlags.Recursive);

        var root = Path.GetFullPath(spec.Rootfs.MountPoint);
        System.IO.Directory.CreateDirectory(root);
        // Copy the volumes now: a volume whose source lies on the root's parent mount (e.g. both on a
        // shared "/") would otherwise be bound from that mount once it is private, cut off from the host.
        var volumes = spec.Mounts.Select(CloneVolume).ToList();
        // pivot_root refuses a new root whose parent mount is shared, and a shared parent would copy the overlay to the host.
        ContainerMounts.SetPropagation(MountTable.MountPointOf(root), MountFlags.Private);
        MountOverlay(spec.Rootfs, root);

        var cgroups = CgroupFilesystem.Plan();
        var devices = DeviceNodes.Plan(spec);
        var claimed = spec.Mounts.Select(m => "/" + m.ContainerPath.Trim('/')).ToHashSet(StringComparer.Ordinal);
        MountStandard(spec, root, claimed);
        cgroups.Mount(RootfsPath.Resolve(root, "/sys/fs/cgroup"));
        devices.Create(root);
        foreach (var volume in volumes)
        {
            using (volume.Tree)
            {
                MountVolume(root, volume);
            }
        }

        ContainerMounts.PivotRoot(root);
        foreach (var path in spec.MaskedPaths)
        {
            Mask(path);
        }
        foreach (var path in spec.ReadonlyPaths)
        {
            MakeReadonly(path);
        }
        CreateWorkingDirectory(spec.Process);
        if (spec.Rootfs.Readonly)
        {
            ContainerMounts.Remount("/", MountFlags.ReadOnly);
        }
    }

    private static void MountOverlay(ContainerRootfs rootfs, string target)
    {
        if (rootfs.LowerDirectories.Count == 0)
        {
            throw new InitStageException(StartFailure.InvalidSpec, "the rootfs has no lower directories");
        }
        var lowers = rootfs.LowerDirectories;
        var options = Options(lowers);
        // The mount data is one page; with many layers use paths relative to their common parent.
        if (options.Length > 4000)
        {
            var parent = CommonParent(lowers);
            ContainerMounts.ChangeDirectory(parent);
            options = Options(lowers.Select(l => Path.GetRelativePath(parent, l)).ToList());
        }
        ContainerMounts.Mount("overlay", target, "overlay", MountFlags.None, options);
        ContainerMounts.ChangeDirectory("/");

        string Options(IReadOnlyList<string> lower) =>
            $"lowerdir={string.Join(':', lower)},upperdir={rootfs.UpperDirectory},workdir={rootfs.WorkDirectory}";
    }

    private static string CommonParent(IReadOnlyList<string> paths)
    {
        var parent = Path.GetDirectoryName(paths[0])!;
        while (!paths.All(p => p.StartsWith(parent + "/", StringComparison.Ordinal)))
        {
            parent = Path.GetDirectoryName(parent)!;
        }
        return parent;
    }

    private static void MountStandard(ContainerProcessSpec spec, string root, IReadOnlySet<string> claimed)
    {
        ContainerMounts.Mount("proc", Directory(root, "/proc"), "proc", Locked);
        var dev = Directory(root, "/dev");
        ContainerMounts.Mount("tmpfs", dev, "tmpfs", MountFlags.NoSuid | MountFlags.StrictAtime, "mode=755,size=65536k");
        DeviceNodes.CreateStandard(dev);
        ContainerMounts.Mount("devpts", Directory(root, "/dev/pts"), "devpts", MountFlags.NoSuid | MountFlags.NoExec,
            "newinstance,ptmxmode=0666,mode=0620,gid=5");
        if (!claimed.Contains("/dev/shm"))
        {
            if (spec.ShmPath is { } shm)
            {
                ContainerMounts.Bind(shm, Directory(root, "/dev/shm"));
            }
            else
            {
                ContainerMounts.Mount("shm", Directory(root, "/dev/shm"), "tmpfs", Locked, "mode=1777,size=65536k");
            }
        }
        ContainerMounts.Mount("mqueue", Directory(root, "/dev/mqueue"), "mqueue", Locked);
        ContainerMounts.Mount("sysfs", Directory(root, "/sys"), "sysfs", Locked | (spec.Privileged ? 0 : MountFlags.ReadOnly));
        var etcFiles = new (string Target, string? Source)[]
        {
            ("/etc/hosts", spec.HostsPath), ("/etc/resolv.conf", spec.ResolvConfPath), ("/etc/hostname", spec.HostnamePath),
        };
        foreach (var (target, source) in etcFiles)
        {
            if (source is null || claimed.Contains(target))
            {
                continue;
            }
            var path = File(root, target);
            ContainerMounts.Bind(source, path, recursive: false);
            if (spec.Rootfs.Readonly)
            {
                ContainerMounts.Remount(path, MountFlags.ReadOnly);
            }
        }
    }

    /// <summary>A volume's source as a detached recursive bind, still in the peer groups of the host's mounts.</summary>
    private sealed record VolumeTree(ContainerMount Mount, UnixFileKind Kind, SafeFileHandle Tree);

    private static VolumeTree CloneVolume(ContainerMount mount)
    {
        var kind = FileStatus.Of(mount.HostPath)?.Kind
            ?? throw new InitStageException(StartFailure.Setup, $"mount source {mount.HostPath} for {mount.ContainerPath} does not exist");
        return new VolumeTree(mount, kind, ContainerMounts.CloneTree(mount.HostPath));
    }

    private static void MountVolume(string root, VolumeTree volume)
    {
        var mount = volume.Mount;
        var target = volume.Kind == UnixFileKind.Directory ? Directory(root, mount.ContainerPath) : File(root, mount.ContainerPath);
        ContainerMounts.Attach(volume.Tree, target);
        var propagation = mount.Propagation switch
        {
            MountPropagation.HostToContainer => MountFlags.Slave,
            MountPropagation.Bidirectional => MountFlags.Shared,
            _ => MountFlags.Private,
        };
        ContainerMounts.SetPropagation(target, propagation | MountFlags.Recursive);
        if (mount.Readonly)
        {
            ContainerMounts.Remount(target, MountFlags.ReadOnly);
        }
        if (mount.RecursiveReadOnly)
        {
            RecursiveReadOnlyMounts.Apply(target);
        }
    }

    /// <summary>Hides a path: /dev/null over a file, an empty read-only tmpfs over a directory (missing paths are fine).</summary>
    private static void Mask(string path)
    {
        switch (FileStatus.Of(path)?.Kind)
        {
            case null:
                return;
            case UnixFileKind.Directory:
                ContainerMounts.Mount("tmpfs", path, "tmpfs", MountFlags.ReadOnly);
                break;
            default:
                ContainerMounts.Bind("/dev/null", path, recursive: false);
                break;
        }
    }

    private static void MakeReadonly(string path)
    {
        if (FileStatus.Of(path) is null)
        {
            return;
        }
        ContainerMounts.Bind(path, path);
        ContainerMounts.Remount(path, MountFlags.ReadOnly | Locked);
    }

    /// <summary>runc creates a missing working directory (as root, before the root turns read-only).</summary>
    private static void CreateWorkingDirectory(ProcessSpec process)
    {
        if (FileStatus.Of(process.WorkingDirectory) is null)
        {
            System.IO.Directory.CreateDirectory(RootfsPath.Resolve("/", process.WorkingDirectory));
        }
    }

    /// <summary>The resolved directory for a container path, created when missing.</summary>
    internal static string Directory(string root, string containerPath)
    {
        var path = RootfsPath.Resolve(root, containerPath);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The resolved file for a container path, created empty (with its directory) when missing.</summary>
    internal static string File(string root, string containerPath)
    {
        var path = RootfsPath.Resolve(root, containerPath);
        if (FileStatus.Of(path) is null)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (System.IO.File.Create(path))
            {
            }
        }
        return path;
    }
}
