using CriShim.Native;
using CriShim.Contract;
using CriShim.Runtime.Errors;
using CriMount = CriShim.Protocol.V1.Mount;
using CriPropagation = CriShim.Protocol.V1.MountPropagation;
using SpecPropagation = CriShim.Contract.MountPropagation;
using ContainerMount = CriShim.Contract.ContainerMount;
using ContainerDevice = CriShim.Contract.ContainerDevice;

namespace CriShim.Runtime.Container;

/// <summary>
/// Checks the CRI mounts and devices of a container and resolves their host paths: symlinks are
/// followed with <see cref="InRootPath"/> (so the helper binds exactly the directory resolved here,
/// not whatever a link points to later), and a missing host directory is created, as containerd does.
/// </summary>
public static class ContainerMountResolver
{
    /// <param name="podUserNamespace">The mappings of the pod's user namespace, the only ones a mount may ask for; null: the pod has none.</param>
    /// <param name="imageLayers">The layer directories (topmost first) of an image volume's image, by its reference; null: none allowed.</param>
    /// <param name="createMissing">False to plan without touching the host: a missing host directory keeps its requested path.</param>
    public static IReadOnlyList<ContainerMount> ResolveMounts(IEnumerable<CriMount> mounts, UserNamespaceMappings? podUserNamespace = null,
        Func<string, IReadOnlyList<string>>? imageLayers = null, string hostRoot = "/", bool createMissing = true)
    {
        // Every mount is checked before any host directory is created, so a refused one leaves nothing behind.
        var requested = mounts.ToList();
        requested.ForEach(mount => Check(mount, podUserNamespace));
        return requested.Select(mount => IsImageVolume(mount) ? ImageVolume(mount, imageLayers) : new ContainerMount
        {
            ContainerPath = mount.ContainerPath,
            HostPath = createMissing
                ? ResolveOnHost(hostRoot, mount.HostPath, InRootPath.Missing.CreateDirectories)!
                : ResolveOnHost(hostRoot, mount.HostPath, InRootPath.Missing.Null) ?? mount.HostPath,
            Readonly = mount.Readonly,
            RecursiveReadOnly = mount.RecursiveReadOnly,
            Propagation = mount.Propagation switch
            {
                CriPropagation.PropagationHostToContainer => SpecPropagation.HostToContainer,
                CriPropagation.PropagationBidirectional => SpecPropagation.Bidirectional,
                _ => SpecPropagation.Private,
            },
            IdMapped = mount.UidMappings.Count + mount.GidMappings.Count > 0,
        }).ToList();
    }

    /// <summary>
    /// The second half of <see cref="ResolveMounts"/> with <c>createMissing: false</c>, once the whole request is known to be
    /// valid: missing host directories are created (as containerd does; they are the kubelet's and stay) and every host path resolved again.
    /// </summary>
    public static IReadOnlyList<ContainerMount> CreateMissingHostDirectories(IReadOnlyList<ContainerMount> planned, string hostRoot = "/") =>
        planned.Select(mount => mount.ImageLayers.Count > 0
            ? mount
            : mount with { HostPath = ResolveOnHost(hostRoot, mount.HostPath, InRootPath.Missing.CreateDirectories)! }).ToList();

    public static bool IsImageVolume(CriMount mount) => mount.Image is { Image.Length: > 0 };

    /// <summary>An image volume (KEP-4639) is read-only and private whatever the request says, as in containerd.</summary>
    private static ContainerMount ImageVolume(CriMount mount, Func<string, IReadOnlyList<string>>? imageLayers) => new()
    {
        ContainerPath = mount.ContainerPath,
        HostPath = "",
        Readonly = true,
        ImageLayers = imageLayers?.Invoke(mount.Image.Image)
            ?? throw new InvalidArgumentException($"mount {mount.ContainerPath}: image volumes are not possible here"),
        ImageSubPath = mount.ImageSubPath,
    };

    private static void Check(CriMount mount, UserNamespaceMappings? podUserNamespace)
    {
        CheckMappings(mount, podUserNamespace);
        if (IsImageVolume(mount))
        {
            CheckImageVolume(mount);
            return;
        }
        CheckRecursiveReadOnly(mount);
        RequireAbsolute(mount.ContainerPath, "mount container_path");
        var destination = Path.GetFullPath(mount.ContainerPath).TrimEnd('/');
        if (ProcVolumes.IsInProc(destination) && !ProcVolumes.IsAllowed(destination))
        {
            throw new InvalidArgumentException(
                $"mount destination {mount.ContainerPath} is in /proc: only lxcfs' files (/proc/cpuinfo, meminfo, stat, uptime, loadavg, diskstats, swaps, slabinfo) may be mounted there");
        }
        if (StandardDevLinks.ProcPathOf(destination) is { } proc)
        {
            throw new InvalidArgumentException(
                $"mount destination {mount.ContainerPath} follows the container's /dev symlink into {proc}; mounts into /proc are refused");
        }
        RequireAbsolute(mount.HostPath, $"host_path of the mount at {mount.ContainerPath}");
    }

    /// <summary>
    /// Mappings on a mount need the pod's user namespace and, as in containerd, must be its own: a volume is id-mapped
    /// with it. The kubelet sends them on every mount of a <c>hostUsers: false</c> pod, image volumes included (whose
    /// layers the helper id-maps with the pod's namespace whenever it has one).
    /// </summary>
    private static void CheckMappings(CriMount mount, UserNamespaceMappings? podUserNamespace)
    {
        if (mount.UidMappings.Count + mount.GidMappings.Count == 0)
        {
            return;
        }
        if (podUserNamespace is null)
        {
            throw new InvalidArgumentException($"mount {mount.ContainerPath} has uid/gid mappings, but its pod has no user namespace (userns_options mode POD)");
        }
        if (!Sandbox.PodUserNamespace.AreThePods(mount.UidMappings, mount.GidMappings, podUserNamespace))
        {
            throw new InvalidArgumentException($"mount {mount.ContainerPath}: its uid/gid mappings differ from the pod's user namespace; only the pod's can be used");
        }
    }

    /// <summary>
    /// The combinations containerd refuses: a recursive read-only mount must be read-only and private (a propagating
    /// mount would receive new, writable submounts from the host), and needs a kernel with mount_setattr.
    /// </summary>
    private static void CheckRecursiveReadOnly(CriMount mount)
    {
        if (!mount.RecursiveReadOnly)
        {
            return;
        }
        if (!mount.Readonly)
        {
            throw new InvalidArgumentException($"mount {mount.ContainerPath}: recursive_read_only needs readonly");
        }
        if (mount.Propagation != CriPropagation.PropagationPrivate)
        {
            throw new InvalidArgumentException($"mount {mount.ContainerPath}: recursive_read_only needs private propagation, not {mount.Propagation}");
        }
        if (!RecursiveReadOnlyMounts.IsSupported)
        {
            throw new InvalidArgumentException($"mount {mount.ContainerPath}: recursive_read_only needs mount_setattr (Linux 5.12), which this kernel lacks");
        }
    }

    private static void CheckImageVolume(CriMount mount)
    {
        RequireAbsolute(mount.ContainerPath, "mount container_path");
        if (ProcVolumes.IsInProc(Path.GetFullPath(mount.ContainerPath).TrimEnd('/')))
        {
            throw new InvalidArgumentException($"image volume destination {mount.ContainerPath} is in /proc");
        }
        if (mount.HostPath.Length > 0)
        {
            throw new InvalidArgumentException($"mount {mount.ContainerPath} names both an image ({mount.Image.Image}) and a host_path");
        }
        var subPath = mount.ImageSubPath;
        if (subPath.StartsWith('/') || subPath.Split('/').Any(part => part == ".."))
        {
            throw new InvalidArgumentException($"image volume {mount.ContainerPath}: image_sub_path '{subPath}' must be relative and must not climb with '..'");
        }
    }

    public static IReadOnlyList<ContainerDevice> ResolveDevices(IEnumerable<Protocol.V1.Device> devices, string hostRoot = "/")
    {
        var resolved = new List<ContainerDevice>();
        foreach (var device in devices)
        {
            RequireAbsolute(device.HostPath, "device host_path");
            var containerPath = device.ContainerPath.Length > 0 ? device.ContainerPath : device.HostPath;
            RequireAbsolute(containerPath, "device container_path");
            var permissions = device.Permissions.Length > 0 ? device.Permissions : "rwm";
            if (permissions.Any(c => c is not ('r' or 'w' or 'm')) || permissions.Distinct().Count() != permissions.Length)
            {
                throw new InvalidArgumentException($"device {device.HostPath} has permissions '{device.Permissions}'; use a combination of r, w and m");
            }
            var host = ResolveOnHost(hostRoot, device.HostPath, InRootPath.Missing.Null);
            if (host is null || FileSystem.KindOf(host) is not (UnixFileKind.CharacterDevice or UnixFileKind.BlockDevice))
            {
                throw new InvalidArgumentException($"device {device.HostPath} is not a character or block device on this node");
            }
            resolved.Add(new ContainerDevice { ContainerPath = containerPath, HostPath = host, Permissions = permissions });
        }
        return resolved;
    }

    private static void RequireAbsolute(string path, string what)
    {
        if (!path.StartsWith('/'))
        {
            throw new InvalidArgumentException($"{what} '{path}' must be an absolute path");
        }
    }

    private static string? ResolveOnHost(string hostRoot, string path, InRootPath.Missing missing)
    {
        try
        {
            return InRootPath.Resolve(hostRoot, path, missing);
        }
        catch (ErrnoException e) when (e.Errno == Tmds.Linux.LibC.ELOOP || e.Errno == Tmds.Linux.LibC.ENOTDIR)
        {
            throw new InvalidArgumentException($"{path} cannot be resolved on this node: {e.Message}", e);
        }
    }
}
