using System.Runtime.InteropServices;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// Id-mapped mounts (Linux 5.12): <c>mount_setattr(MOUNT_ATTR_IDMAP)</c> gives a detached mount the mappings of a
/// user namespace, so a file owned by id k on disk is seen, and written, as the host id k maps to there. Only a
/// mount not yet attached can get one, and the file system must support it (ext4, xfs, btrfs, tmpfs since 6.3;
/// not overlayfs itself, whose layers can be id-mapped instead).
/// </summary>
public static class IdMappedMounts
{
    /// <summary>Id-maps the top mount of the detached tree <paramref name="tree"/> with the mappings of <paramref name="userNamespace"/>.</summary>
    public static void Apply(SafeFileHandle tree, SafeFileHandle userNamespace)
    {
        var attr = new Libc.MountAttr { AttrSet = Libc.MOUNT_ATTR_IDMAP, UsernsFd = (ulong)userNamespace.DangerousGetHandle() };
        Errno.Check(Libc.MountSetattr(Libc.SYS_mount_setattr, tree.DangerousGetHandle(), "", Libc.AT_EMPTY_PATH,
            ref attr, (nuint)Marshal.SizeOf<Libc.MountAttr>()), "mount_setattr(MOUNT_ATTR_IDMAP)", ResolvedPaths.ProcPath(tree));
    }

    /// <summary>A detached, id-mapped bind of the directory <paramref name="path"/> (its own mount only, no submounts).</summary>
    public static SafeFileHandle CloneDirectory(string path, SafeFileHandle userNamespace)
    {
        var fd = Errno.Check(Libc.OpenTree(Libc.SYS_open_tree, Libc.AT_FDCWD, path, Libc.OPEN_TREE_CLONE | Libc.OPEN_TREE_CLOEXEC), "open_tree", path);
        var tree = new SafeFileHandle((nint)fd, ownsHandle: true);
        try
        {
            Apply(tree, userNamespace);
            return tree;
        }
        catch
        {
            tree.Dispose();
            throw;
        }
    }
}
