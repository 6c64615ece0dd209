using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// Builds the container's file system view in two halves. <see cref="Prepare"/> runs on the monitor's main thread
/// in a private copy of the host's mount namespace (<see cref="InitStageRoot.Leave"/>) whose root no longer
/// propagates to the host: it mounts the stage root's tmpfs on the rootfs mount point and builds in it, at
/// <see cref="ContainerDirectory"/>, everything that needs the host's view (the overlay, the standard mounts but
/// /proc, cgroups, devices, volumes and image volumes, the layers and volumes id-mapped with the pod's user namespace
/// when it has one); the host's /dev/null and the volumes into /proc wait in the stage root.
/// <see cref="Finish"/> runs in container-init, already in the pod's PID namespace, so the procfs it mounts is the
/// pod's: /proc, the volumes into /proc, masked and read-only paths, pivot_root (which drops the stage root) and a
/// read-only root when asked. Every target inside the root is mounted on through a descriptor
/// (<see cref="RootDirectory"/>). Every mount lives only in this namespace, so it disappears with the container.
/// </summary>
internal static class RootfsSetup
{
    private const MountFlags Locked = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec;

    /// <summary>makedev(1, 3) as glibc encodes it.</summary>
    private const ulong NullDevice = 0x103;

    /// <summary>The container's root inside the stage root.</summary>
    public const string ContainerDirectory = "/rootfs";

    /// <summary>The host's /dev/null inside the stage root, the source of every masked file.</summary>
    private const string StageNull = "/null";

    /// <summary>Volumes into /proc wait here in the stage root (one entry per index in the spec's mounts) for the pod's procfs.</summary>
    private const string StageVolumes = "/volumes";

    /// <summary>
    /// In the monitor, after <see cref="InitStageRoot.Leave"/>: builds the stage root with the container's tree at
    /// the rootfs mount point and enters it. <paramref name="specFile"/> is copied into it for container-init.
    /// </summary>
    /// <param name="userNamespace">The pod's user namespace: the layers and id-mapped volumes get its mappings; null: none.</param>
    public static void Prepare(ContainerProcessSpec spec, string specFile, SafeFileHandle? userNamespace)
    {
        // The mask source comes from the host (this namespace is still its copy), checked to be the null device:
        // the container's own /dev (a volume whose null is a symlink into /proc/sys) must not decide what covers a masked path.
        using var devNull = HostDevNull();
        // Bidirectional volumes need the mount tree to stay a peer of the host's (containerd sets
        // rootfsPropagation=rshared for them); otherwise nothing done here may reach the host.
        var bidirectional = spec.Mounts.Any(m => m.Propagation == MountPropagation.Bidirectional);
        ContainerMounts.SetPropagation("/", (bidirectional ? MountFlags.Shared : MountFlags.Slave) | MountFlags.Recursive);

        var contents = InitStageRoot.OpenContents(specFile, spec.StageFiles);
        var stagePath = Path.GetFullPath(spec.Rootfs.MountPoint);
        System.IO.Directory.CreateDirectory(stagePath);
        // Copy the volumes now: a volume whose source lies on the root's parent mount (e.g. both on a
        // shared "/") would otherwise be bound from that mount once it is private, cut off from the host.
        var volumes = spec.Mounts.Select(m => m.ImageLayers.Count > 0 ? null : CloneVolume(m)).ToList();
        // pivot_root refuses a new root whose parent mount is shared, and a shared parent would copy the stage root to the host.
        ContainerMounts.SetPropagation(MountTable.MountPointOf(stagePath), MountFlags.Private);
        InitStageRoot.Mount(stagePath);
        var rootPath = stagePath + ContainerDirectory;
        System.IO.Directory.CreateDirectory(rootPath);
        // Image volumes (and id-mapped layers) are made in the stage root, private: nothing of them reaches the host.
        for (var i = 0; i < volumes.Count; i++)
        {
            volumes[i] ??= CloneImageVolume(spec.Mounts[i], Path.Combine(stagePath, "image-volumes", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), userNamespace);
        }
        if (userNamespace is null)
        {
            MountOverlay(spec.Rootfs, rootPath);
        }
        else
        {
            MountIdMappedOverlay(spec.Rootfs, rootPath, userNamespace,
                spec.Namespaces.UserMappings ?? throw new InitStageException(StartFailure.InvalidSpec, "a user namespace needs its mappings"));
        }
        using var root = new RootDirectory(rootPath);

        var devices = DeviceNodes.Plan(spec);
        var claimed = spec.Mounts.Select(m => "/" + m.ContainerPath.Trim('/')).ToHashSet(StringComparer.Ordinal);
        MountStandard(spec, root, claimed);
        // Standard mounts come before any volume: until then nothing another container can change is in the tree.
        CgroupFilesystem.Mount(spec.Cgroups, InRootPath.Resolve(rootPath, "/sys/fs/cgroup", InRootPath.Missing.CreateParents)!);
        devices.Create(rootPath);
        for (var i = 0; i < volumes.Count; i++)
        {
            var volume = volumes[i]!;
            using (volume.Tree)
            {
                // While the tree is detached, the only time mount_setattr may id-map it; a parked volume's clone keeps the mapping.
                if (volume.Mount.IdMapped)
                {
                    IdMapVolume(volume, userNamespace ?? throw new InitStageException(StartFailure.InvalidSpec,
                        $"mount {volume.Mount.ContainerPath} asks for id mappings, but the pod has no user namespace"));
                }
                if (IsInProc(volume.Mount))
                {
                    Park(stagePath + StageVolumes, i, volume);
                }
                else
                {
                    MountVolume(root, volume);
                }
            }
        }
        InitStageRoot.Populate(stagePath, contents);
        using (var nullFile = OpenStageFile(stagePath + StageNull))
        using (var tree = ContainerMounts.CloneTree(devNull))
        {
            ContainerMounts.Attach(tree, nullFile);
        }
        InitStageRoot.Enter(stagePath);
    }

    /// <summary>In container-init, in the stage root: the pod's /proc, the volumes into it, masks, read-only paths, pivot_root.</summary>
    public static void Finish(ContainerProcessSpec spec)
    {
        // The stage root's own procfs (the pod's, as this process's PID namespace is) names descriptors for mount(2).
        ContainerMounts.Mount("proc", "/proc", "proc", Locked);
        using var devNull = StageDevNull();
        using (var root = new RootDirectory(ContainerDirectory))
        {
            root.MountOnDirectory("/proc", target => ContainerMounts.Mount("proc", target, "proc", Locked));
            for (var i = 0; i < spec.Mounts.Count; i++)
            {
                if (IsInProc(spec.Mounts[i]))
                {
                    var parked = $"{StageVolumes}/{i}";
                    using var tree = ContainerMounts.CloneTree(parked);
                    MountVolume(root, new VolumeTree(spec.Mounts[i], FileSystem.KindOf(parked)!.Value, tree));
                }
            }
            // Masked and read-only paths go on before pivot_root, through descriptors opened inside the root
            // after their file system was checked, from sources opened on the host.
            foreach (var path in spec.MaskedPaths)
            {
                Mask(root, path, devNull);
            }
            foreach (var path in spec.ReadonlyPaths)
            {
                MakeReadonly(root, path);
            }
        }
        ContainerMounts.PivotRoot(ContainerDirectory);
        CreateWorkingDirectory(spec.Process);
        if (spec.Rootfs.Readonly)
        {
            ContainerMounts.Remount("/", MountFlags.ReadOnly);
        }
    }

    /// <summary>A volume the daemon let into /proc (lxcfs' files) goes on top of the pod's procfs, which only container-init can mount.</summary>
    private static bool IsInProc(ContainerMount mount) => ProcVolumes.IsInProc(Path.GetFullPath("/" + mount.ContainerPath).TrimEnd('/'));

    /// <summary>Attaches a volume into /proc at its place in the stage root, for <see cref="Finish"/>.</summary>
    private static void Park(string directory, int index, VolumeTree volume)
    {
        System.IO.Directory.CreateDirectory(directory);
        var path = $"{directory}/{index}";
        if (volume.Kind == UnixFileKind.Directory)
        {
            System.IO.Directory.CreateDirectory(path);
        }
        using var target = OpenStageFile(path, volume.Kind != UnixFileKind.Directory);
        ContainerMounts.Attach(volume.Tree, target);
    }

    /// <summary>An O_PATH descriptor of a path in the stage root (nothing of the container's is there), created as an empty file when asked.</summary>
    private static SafeFileHandle OpenStageFile(string path, bool create = true)
    {
        if (create && !File.Exists(path))
        {
            using (File.Create(path))
            {
            }
        }
        return ResolvedPaths.OpenHost(path);
    }

    /// <summary>The host's /dev/null as the monitor put it in the stage root, checked again.</summary>
    private static SafeFileHandle StageDevNull()
    {
        var devNull = ResolvedPaths.OpenHost(StageNull);
        if (ResolvedPaths.StatusOf(devNull) is not (UnixFileKind.CharacterDevice, NullDevice))
        {
            devNull.Dispose();
            throw new InitStageException(StartFailure.Setup, "the stage root's /null is not the null device");
        }
        return devNull;
    }

    /// <summary>The host's /dev/null, opened before anything of the container exists and checked to be the null device (1:3).</summary>
    private static SafeFileHandle HostDevNull()
    {
        var devNull = ResolvedPaths.OpenHost("/dev/null");
        if (ResolvedPaths.StatusOf(devNull) is not (UnixFileKind.CharacterDevice, NullDevice))
        {
            devNull.Dispose();
            throw new InitStageException(StartFailure.Setup, "the host's /dev/null is not the null device");
        }
        return devNull;
    }

    internal static void MountOverlay(ContainerRootfs rootfs, string target)
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

    /// <summary>
    /// The overlay of a container in a user namespace: made of the image layers bound id-mapped with the pod's
    /// namespace (<see cref="IdMappedLayers"/>) beside <paramref name="target"/> in the stage root, so the image's
    /// root-owned files are root's inside. The writable layer stays as it is: what the container writes lands with
    /// the host ids it has (the mapped ones), and its top directory, the root's owner, becomes the namespace's root.
    /// </summary>
    private static void MountIdMappedOverlay(ContainerRootfs rootfs, string target, SafeFileHandle userNamespace, UserNamespaceMappings mappings)
    {
        if (rootfs.LowerDirectories.Count == 0)
        {
            throw new InitStageException(StartFailure.InvalidSpec, "the rootfs has no lower directories");
        }
        try
        {
            using var layers = IdMappedLayers.Bind(rootfs.LowerDirectories, Path.Combine(Path.GetDirectoryName(target)!, "idmapped-layers"), userNamespace);
            FileSystem.Chown(rootfs.UpperDirectory, (int)mappings.RootUid, (int)mappings.RootGid);
            layers.MountOverlay(target, MountFlags.None, (rootfs.UpperDirectory, rootfs.WorkDirectory));
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "id-mapping the image layers for the pod's user namespace: " + e.Message);
        }
    }

    /// <summary>Gives a volume's top mount the pod's mappings, so files keep the owners they have on disk as the container sees them.</summary>
    private static void IdMapVolume(VolumeTree volume, SafeFileHandle userNamespace)
    {
        try
        {
            IdMappedMounts.Apply(volume.Tree, userNamespace);
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup,
                $"id-mapping {volume.Mount.HostPath} for {volume.Mount.ContainerPath} (its file system must support id-mapped mounts): {e.Message}");
        }
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

    private static void MountStandard(ContainerProcessSpec spec, RootDirectory root, IReadOnlySet<string> claimed)
    {
        root.MountOnDirectory("/dev", target => ContainerMounts.Mount("tmpfs", target, "tmpfs", MountFlags.NoSuid | MountFlags.StrictAtime, "mode=755,size=65536k"));
        DeviceNodes.CreateStandard(InRootPath.Resolve(root.Path, "/dev", InRootPath.Missing.CreateParents)!);
        root.MountOnDirectory("/dev/pts", target => ContainerMounts.Mount("devpts", target, "devpts", MountFlags.NoSuid | MountFlags.NoExec,
            "newinstance,ptmxmode=0666,mode=0620,gid=5"));
        if (!claimed.Contains("/dev/shm"))
        {
            root.MountOnDirectory("/dev/shm", target =>
            {
                if (spec.ShmPath is { } shm)
                {
                    ContainerMounts.Bind(shm, target);
                }
                else
                {
                    ContainerMounts.Mount("shm", target, "tmpfs", Locked, "mode=1777,size=65536k");
                }
            });
        }
        root.MountOnDirectory("/dev/mqueue", target => ContainerMounts.Mount("mqueue", target, "mqueue", Locked));
        root.MountOnDirectory("/sys", target => ContainerMounts.Mount("sysfs", target, "sysfs", Locked | (spec.Privileged ? 0 : MountFlags.ReadOnly)));
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
            using var file = root.OpenFile(target);
            using var tree = ContainerMounts.CloneTree(source);
            ContainerMounts.Attach(tree, file);
            if (spec.Rootfs.Readonly)
            {
                ContainerMounts.Remount(ResolvedPaths.ProcPath(tree), MountFlags.ReadOnly);
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

    /// <summary>
    /// An image volume (KEP-4639): the image's layers as a read-only overlay of their own on <paramref name="staging"/>,
    /// the sub path opened inside it (no symlink, no escape), and a detached copy of that, as a host volume's; the
    /// staging mount goes again at once. The copy keeps the overlay alive as long as the container's namespace.
    /// In a pod with a user namespace the layers are id-mapped with it, as the root's are, so the image's owners are kept inside.
    /// </summary>
    private static VolumeTree CloneImageVolume(ContainerMount mount, string staging, SafeFileHandle? userNamespace)
    {
        System.IO.Directory.CreateDirectory(staging);
        try
        {
            if (userNamespace is null)
            {
                MountLayers(mount.ImageLayers, staging);
            }
            else
            {
                using var layers = IdMappedLayers.Bind(mount.ImageLayers, staging + "-layers", userNamespace);
                layers.MountOverlay(staging, ImageVolumeFlags);
            }
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, $"mounting the image volume for {mount.ContainerPath}: {e.Message}");
        }
        try
        {
            using var root = ResolvedPaths.OpenHost(staging);
            using var subPath = mount.ImageSubPath.Length == 0 ? null : SubPathOf(root, mount);
            var source = subPath ?? root;
            return new VolumeTree(mount, ResolvedPaths.StatusOf(source).Kind, ContainerMounts.CloneTree(source));
        }
        finally
        {
            ContainerMounts.Unmount(staging);
        }
    }

    private static SafeFileHandle SubPathOf(SafeFileHandle root, ContainerMount mount) =>
        ResolvedPaths.OpenInRoot(root, mount.ImageSubPath)
            ?? throw new InitStageException(StartFailure.InvalidSpec, $"image volume {mount.ContainerPath}: image_sub_path '{mount.ImageSubPath}' does not exist in the image");

    private const MountFlags ImageVolumeFlags = MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev;

    /// <summary>
    /// A read-only overlay of <paramref name="layers"/> (no upper layer), relative to their common parent when the list is
    /// long. Without an upper layer overlayfs needs two lower ones: a single layer gets an empty directory of the stage root below it.
    /// </summary>
    private static void MountLayers(IReadOnlyList<string> layers, string target)
    {
        if (layers.Count == 1)
        {
            layers = [layers[0], System.IO.Directory.CreateDirectory(target + "-empty").FullName];
        }
        var options = "lowerdir=" + string.Join(':', layers);
        if (options.Length > 4000)
        {
            var parent = CommonParent(layers);
            ContainerMounts.ChangeDirectory(parent);
            options = "lowerdir=" + string.Join(':', layers.Select(l => Path.GetRelativePath(parent, l)));
        }
        try
        {
            ContainerMounts.Mount("overlay", target, "overlay", ImageVolumeFlags, options);
        }
        finally
        {
            ContainerMounts.ChangeDirectory("/");
        }
    }

    private static void MountVolume(RootDirectory root, VolumeTree volume)
    {
        var mount = volume.Mount;
        using var target = volume.Kind == UnixFileKind.Directory ? root.OpenDirectory(mount.ContainerPath) : root.OpenFile(mount.ContainerPath);
        // The daemon refuses volumes in /proc but lxcfs' files; a path that reaches procfs or /proc another way
        // (through a symlink in the image) is refused here.
        var landed = root.ContainerPathOf(target);
        if ((ResolvedPaths.FileSystemOf(target) == ResolvedPaths.ProcFileSystem || ProcVolumes.IsInProc(landed) != IsInProc(mount))
            && !(IsInProc(mount) && ProcVolumes.IsAllowed(landed)))
        {
            throw new InitStageException(StartFailure.InvalidSpec, $"mount destination {mount.ContainerPath} is in /proc, where only lxcfs' files may be mounted");
        }
        ContainerMounts.Attach(volume.Tree, target);
        var mounted = ResolvedPaths.ProcPath(volume.Tree);
        var propagation = mount.Propagation switch
        {
            MountPropagation.HostToContainer => MountFlags.Slave,
            MountPropagation.Bidirectional => MountFlags.Shared,
            _ => MountFlags.Private,
        };
        ContainerMounts.SetPropagation(mounted, propagation | MountFlags.Recursive);
        if (mount.Readonly)
        {
            ContainerMounts.Remount(mounted, MountFlags.ReadOnly);
        }
        if (mount.RecursiveReadOnly)
        {
            RecursiveReadOnlyMounts.Apply(volume.Tree);
        }
    }

    /// <summary>
    /// Hides a path: the host's /dev/null over a file, an empty read-only tmpfs over a directory (missing paths
    /// are fine). A path under /proc or /sys must still be on procfs or sysfs: anything else there was put by
    /// the container's own mounts and is refused rather than guessed at (runc's CVE-2025-31133 fix).
    /// </summary>
    private static void Mask(RootDirectory root, string path, SafeFileHandle devNull)
    {
        using var target = root.OpenExisting(path);
        if (target is null)
        {
            return;
        }
        RequireKernelFileSystem(path, target);
        if (ResolvedPaths.StatusOf(target).Kind == UnixFileKind.Directory)
        {
            ContainerMounts.Mount("tmpfs", ResolvedPaths.ProcPath(target), "tmpfs", MountFlags.ReadOnly);
        }
        else
        {
            using var tree = ContainerMounts.CloneTree(devNull);
            ContainerMounts.Attach(tree, target);
        }
    }

    private static void MakeReadonly(RootDirectory root, string path)
    {
        using var target = root.OpenExisting(path);
        if (target is null)
        {
            return;
        }
        RequireKernelFileSystem(path, target);
        using var tree = ContainerMounts.CloneTree(target);
        ContainerMounts.Attach(tree, target);
        ContainerMounts.Remount(ResolvedPaths.ProcPath(tree), MountFlags.ReadOnly | Locked);
    }

    private static void RequireKernelFileSystem(string path, SafeFileHandle target)
    {
        var (expected, name) = ProcVolumes.IsInProc("/" + path.Trim('/')) ? (ResolvedPaths.ProcFileSystem, "procfs")
            : path.TrimStart('/').StartsWith("sys/", StringComparison.Ordinal) ? (ResolvedPaths.SysFileSystem, "sysfs")
            : (0L, "");
        if (expected != 0 && ResolvedPaths.FileSystemOf(target) != expected)
        {
            throw new InitStageException(StartFailure.Setup, $"{path} is not on {name}: something the container mounted covers it");
        }
    }

    /// <summary>runc creates a missing working directory (as root, before the root turns read-only).</summary>
    private static void CreateWorkingDirectory(ProcessSpec process)
    {
        if (FileStatus.Of(process.WorkingDirectory) is null)
        {
            InRootPath.Resolve("/", process.WorkingDirectory, InRootPath.Missing.CreateDirectories);
        }
    }

}
