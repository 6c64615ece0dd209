using CriShim.Native;
using CriShim.Contract;
using CriShim.Runtime.Cgroups;

namespace CriShim.Runtime.Container;

/// <summary>
/// Which devices a container may open or create, as runc and containerd allow them: a privileged container
/// everything; any other the standard /dev nodes, mknod (only) of any node, and each CRI <c>devices</c>
/// entry with its permissions. Everything else is denied, so CAP_MKNOD cannot reach the host's disks.
/// </summary>
public static class ContainerDeviceRules
{
    public static IReadOnlyList<DeviceRule> Standard { get; } =
    [
        // Creating a node is harmless while opening it is checked: images unpack and tools create nodes.
        DeviceRule.Char(null, null, "m"),
        DeviceRule.Block(null, null, "m"),
        DeviceRule.Char(1, 3, "rwm"), // null
        DeviceRule.Char(1, 5, "rwm"), // zero
        DeviceRule.Char(1, 7, "rwm"), // full
        DeviceRule.Char(1, 8, "rwm"), // random
        DeviceRule.Char(1, 9, "rwm"), // urandom
        DeviceRule.Char(5, 0, "rwm"), // tty
        DeviceRule.Char(5, 1, "rwm"), // console
        DeviceRule.Char(5, 2, "rwm"), // ptmx
        DeviceRule.Char(136, null, "rwm"), // pts
    ];

    /// <summary>The rules for a container; <paramref name="devices"/> are its resolved CRI devices (host nodes).</summary>
    public static IReadOnlyList<DeviceRule> For(bool privileged, IReadOnlyList<ContainerDevice> devices) =>
        privileged ? [DeviceRule.AllowAll] : [.. Standard, .. devices.Select(Of)];

    private static DeviceRule Of(ContainerDevice device)
    {
        var node = FileNodes.Status(device.HostPath);
        return node.Kind == UnixFileKind.BlockDevice
            ? DeviceRule.Block(node.RdevMajor, node.RdevMinor, device.Permissions)
            : DeviceRule.Char(node.RdevMajor, node.RdevMinor, device.Permissions);
    }
}
