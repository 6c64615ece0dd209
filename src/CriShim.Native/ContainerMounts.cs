using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// Mount calls for a container's own mount namespace. Only the runtime helper calls them, after it
/// unshared CLONE_NEWNS on its main thread; in the daemon they would change the host.
/// </summary>
public static class ContainerMounts
{
    public static void Mount(string source, string target, string? type, MountFlags flags, string? data = null) =>
        Errno.Check(Libc.Mount(source, target, type, (ulong)flags, data), type is null ? "mount" : $"mount {type}", target);

    public static void Bind(string source, string target, bool recursive = true) =>
        Errno.Check(Libc.Mount(source, target, null, (ulong)(MountFlags.Bind | (recursive ? MountFlags.Recursive : 0)), null),
            "bind mount", $"{source} on {target}");

    /// <summary>Changes the per-mount flags of an existing mount (MS_REMOUNT|MS_BIND), e.g. to make it read-only.</summary>
    public static void Remount(string target, MountFlags flags) =>
        Errno.Check(Libc.Mount(null, target, null, (ulong)(MountFlags.Remount | MountFlags.Bind | flags), null), "remount", target);

    /// <summary>Sets the propagation (Private, Slave or Shared, optionally Recursive) of the mount at <paramref name="target"/>.</summary>
    public static void SetPropagation(string target, MountFlags propagation) =>
        Errno.Check(Libc.Mount(null, target, null, (ulong)propagation, null), "make " + propagation, target);

    /// <summary>
    /// A detached recursive copy of the mount tree at <paramref name="source"/> (open_tree with
    /// OPEN_TREE_CLONE): like a recursive bind, each copy joins its original's peer group, and it keeps
    /// that membership whatever later happens to the original. Closing the handle unless
    /// <see cref="Attach"/>ed discards it.
    /// </summary>
    public static SafeFileHandle CloneTree(string source)
    {
        var fd = Errno.Check(Libc.OpenTree(Libc.SYS_open_tree, Libc.AT_FDCWD, source,
            Libc.OPEN_TREE_CLONE | Libc.OPEN_TREE_CLOEXEC | Libc.AT_RECURSIVE), "open_tree", source);
        return new SafeFileHandle((nint)fd, ownsHandle: true);
    }

    /// <summary>A detached recursive copy of the mount tree at the descriptor <paramref name="source"/>, as <see cref="CloneTree(string)"/>.</summary>
    public static SafeFileHandle CloneTree(SafeFileHandle source)
    {
        var fd = Errno.Check(Libc.OpenTreeAt(Libc.SYS_open_tree, source.DangerousGetHandle(), "",
            Libc.OPEN_TREE_CLONE | Libc.OPEN_TREE_CLOEXEC | Libc.AT_RECURSIVE | Libc.AT_EMPTY_PATH), "open_tree", ResolvedPaths.ProcPath(source));
        return new SafeFileHandle((nint)fd, ownsHandle: true);
    }

    /// <summary>
    /// Mounts a tree from <see cref="CloneTree(string)"/> on what the descriptor <paramref name="target"/> refers to
    /// (move_mount with both paths empty): no path is looked up again, so nothing swapped in can redirect it.
    /// Afterwards the tree's descriptor names the attached mount (see <see cref="ResolvedPaths.ProcPath"/>).
    /// </summary>
    public static void Attach(SafeFileHandle tree, SafeFileHandle target) =>
        Errno.Check(Libc.MoveMountAt(Libc.SYS_move_mount, tree.DangerousGetHandle(), "", target.DangerousGetHandle(), "",
            Libc.MOVE_MOUNT_F_EMPTY_PATH | Libc.MOVE_MOUNT_T_EMPTY_PATH), "move_mount", ResolvedPaths.ProcPath(target));

    public static void Unmount(string target, bool detach = true) =>
        Errno.Check(Libc.Umount2(target, detach ? Libc.MNT_DETACH : 0), "umount", target);

    /// <summary>
    /// Makes <paramref name="newRoot"/> (a mount point) the root. The old root goes to a directory of its
    /// own (so it can be named: "." would name the new root), is made a recursive slave so detaching it
    /// cannot unmount anything on the host, and is detached; the directory is removed again.
    /// </summary>
    public static void PivotRoot(string newRoot)
    {
        const string putOld = ".crishim-old-root";
        Directory.CreateDirectory(Path.Combine(newRoot, putOld));
        Errno.Check(Libc.Chdir(newRoot), "chdir", newRoot);
        Errno.Check(Libc.SyscallPaths(Libc.SysPivotRoot, ".", putOld), "pivot_root", newRoot);
        Errno.Check(Libc.Chdir("/"), "chdir", "/");
        SetPropagation("/" + putOld, MountFlags.Slave | MountFlags.Recursive);
        Unmount("/" + putOld);
        Directory.Delete("/" + putOld);
    }

    /// <summary>chdir for the calling thread's file system context (its own after unshare(CLONE_NEWNS)).</summary>
    public static void ChangeDirectory(string path) => Errno.Check(Libc.Chdir(path), "chdir", path);
}
