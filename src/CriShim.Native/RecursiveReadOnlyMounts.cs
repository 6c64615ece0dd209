using System.Runtime.InteropServices;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// Recursive read-only mounts (KEP-3857): <c>mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY)</c> makes every mount of
/// a tree read-only, submounts included, which a read-only bind remount (MS_REMOUNT|MS_BIND|MS_RDONLY) cannot: it
/// changes only the top mount. Linux 5.12 and later.
/// </summary>
public static class RecursiveReadOnlyMounts
{
    /// <summary>Whether this kernel has <c>mount_setattr</c>: a call with a bad size fails EINVAL there and ENOSYS where it is missing.</summary>
    public static bool IsSupported { get; } = Probe();

    /// <summary>Makes the mount the descriptor <paramref name="tree"/> names, and every mount below it, read-only.</summary>
    public static void Apply(SafeFileHandle tree)
    {
        var attr = new Libc.MountAttr { AttrSet = Libc.MOUNT_ATTR_RDONLY };
        Errno.Check(Libc.MountSetattr(Libc.SYS_mount_setattr, tree.DangerousGetHandle(), "", Libc.AT_RECURSIVE | Libc.AT_EMPTY_PATH,
            ref attr, (nuint)Marshal.SizeOf<Libc.MountAttr>()), "mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY)", ResolvedPaths.ProcPath(tree));
    }

    private static bool Probe()
    {
        var attr = default(Libc.MountAttr);
        return Libc.MountSetattr(Libc.SYS_mount_setattr, -1, "", Libc.AT_EMPTY_PATH, ref attr, 0) == 0
            || Marshal.GetLastPInvokeError() != Tmds.Linux.LibC.ENOSYS;
    }
}
