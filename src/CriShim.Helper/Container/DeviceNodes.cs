using CriShim.Native;
using CriShim.Contract;

namespace CriShim.Helper.Container;

/// <summary>
/// Device nodes in the container's /dev tmpfs: the standard set every container gets, and the host
/// devices it was given (all of them when privileged), read from the host's /dev before pivot_root.
/// </summary>
internal sealed class DeviceNodes
{
    private static readonly (string Name, uint Major, uint Minor)[] Standard =
    [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    ];

    private readonly List<(string ContainerPath, FileNodeStatus Node)> _nodes;

    private DeviceNodes(List<(string, FileNodeStatus)> nodes) => _nodes = nodes;

    public static void CreateStandard(string dev)
    {
        const UnixFileMode everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead |
            UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        foreach (var (name, major, minor) in Standard)
        {
            var path = Path.Combine(dev, name);
            FileNodes.CreateCharacterDevice(path, everyone, major, minor);
            // mknod applies the umask.
            File.SetUnixFileMode(path, everyone);
        }
        foreach (var (link, target) in StandardDevLinks.Links)
        {
            File.CreateSymbolicLink(Path.Combine(dev, link), target);
        }
    }

    public static DeviceNodes Plan(ContainerProcessSpec spec)
    {
        var nodes = new List<(string, FileNodeStatus)>();
        foreach (var device in spec.Devices)
        {
            var node = FileStatus.Of(device.HostPath) is { Kind: UnixFileKind.CharacterDevice or UnixFileKind.BlockDevice }
                ? FileNodes.Status(Path.GetFullPath(new FileInfo(device.HostPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? device.HostPath))
                : throw new InitStageException(StartFailure.Setup, $"device {device.HostPath} is not a device node on the host");
            nodes.Add((device.ContainerPath, node));
        }
        if (spec.Privileged)
        {
            foreach (var path in HostDevices("/dev"))
            {
                nodes.Add((path, FileNodes.Status(path)));
            }
        }
        return new DeviceNodes(nodes);
    }

    /// <summary>Makes the planned nodes under <paramref name="root"/>; a node already there (a standard one) is kept.</summary>
    public void Create(string root)
    {
        foreach (var (containerPath, node) in _nodes)
        {
            var path = InRootPath.Resolve(root, containerPath, InRootPath.Missing.CreateParents)!;
            if (FileSystem.KindOf(path) is not null)
            {
                continue;
            }
            if (node.Kind == UnixFileKind.BlockDevice)
            {
                FileNodes.CreateBlockDevice(path, node.Permissions, node.RdevMajor, node.RdevMinor);
            }
            else
            {
                FileNodes.CreateCharacterDevice(path, node.Permissions, node.RdevMajor, node.RdevMinor);
            }
            File.SetUnixFileMode(path, node.Permissions);
            FileNodes.SetOwner(path, node.Uid, node.Gid);
        }
    }

    /// <summary>Device nodes under the host's /dev, without the per-instance pts, shm and mqueue trees.</summary>
    private static IEnumerable<string> HostDevices(string directory)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            switch (FileSystem.KindOf(entry))
            {
                case UnixFileKind.CharacterDevice or UnixFileKind.BlockDevice:
                    yield return entry;
                    break;
                case UnixFileKind.Directory when Path.GetFileName(entry) is not ("pts" or "shm" or "mqueue"):
                    foreach (var nested in HostDevices(entry))
                    {
                        yield return nested;
                    }
                    break;
            }
        }
    }
}
