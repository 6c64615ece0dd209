using CriShim.Native;
using CriShim.Contract;

namespace CriShim.Helper.Monitor;

/// <summary>
/// Mounts made on the host only reach a container (and the container's reach the host) through a shared
/// mount. Hosts without systemd leave <c>/</c> private, so before the container's mount namespace is
/// copied from the host's, the host side of every HostToContainer or Bidirectional volume that does not
/// sit on a shared mount becomes one: a bind of the path onto itself, made shared, as the kubelet does for
/// its own volume directories. It stays after the container is gone, like the kubelet's.
/// </summary>
internal static class HostVolumePropagation
{
    public static void Prepare(IEnumerable<ContainerMount> mounts)
    {
        foreach (var mount in mounts.Where(m => m.Propagation != MountPropagation.Private && Directory.Exists(m.HostPath)))
        {
            var holder = MountTable.MountOf(mount.HostPath);
            if (holder is { IsShared: true })
            {
                continue;
            }
            if (holder?.MountPoint != mount.HostPath)
            {
                ContainerMounts.Bind(mount.HostPath, mount.HostPath);
            }
            ContainerMounts.SetPropagation(mount.HostPath, MountFlags.Shared);
        }
    }
}
