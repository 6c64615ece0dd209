using System.Globalization;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;
using static Tmds.Linux.LibC;

namespace CriShim.Native;

/// <summary>
/// Opens paths below a directory descriptor with openat2(2), so that no "..", no absolute or swapped-in
/// symlink and no /proc magic link can lead out of it. The descriptor is then what a caller mounts on or
/// writes to (<see cref="ProcPath"/>): a symlink put in place after the open changes nothing.
/// </summary>
public static class ResolvedPaths
{
    public const long ProcFileSystem = 0x9fa0;
    public const long SysFileSystem = 0x62656572;

    /// <summary>An O_PATH descriptor of a host path, in the caller's current view of the file system.</summary>
    public static SafeFileHandle OpenHost(string path)
    {
        var fd = Libc.Openat(AT_FDCWD, path, O_PATH | O_CLOEXEC, 0);
        return fd < 0 ? throw Errno.Last("open", path) : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// An O_PATH descriptor of <paramref name="path"/> below <paramref name="root"/>, resolved as if root were "/"
    /// (RESOLVE_IN_ROOT) and without any symlink on the way: the caller resolved them inside the root already, so
    /// one met now was swapped in since and is refused (ELOOP). Null when the path does not exist.
    /// </summary>
    public static SafeFileHandle? OpenInRoot(SafeFileHandle root, string path)
    {
        var how = new Libc.OpenHow
        {
            Flags = (ulong)(O_PATH | O_CLOEXEC),
            Resolve = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS,
        };
        var fd = Libc.Openat2(Libc.SYS_openat2, root.DangerousGetHandle(), path, ref how, (nuint)(3 * sizeof(ulong)));
        if (fd >= 0)
        {
            return new SafeFileHandle((nint)fd, ownsHandle: true);
        }
        var error = Errno.Last("openat2", path);
        return error.IsNotFound ? null
            : error.Errno == ENOSYS ? WalkInRoot(root, path)
            : throw error;
    }

    /// <summary>
    /// An O_PATH descriptor of <paramref name="path"/> resolved inside <paramref name="root"/> as a chroot there would
    /// (RESOLVE_IN_ROOT: symlinks followed, absolute ones and ".." stopping at the root; no /proc magic links). Null when
    /// the path does not exist; ENOSYS (kernels before 5.6) is the caller's to handle.
    /// </summary>
    public static SafeFileHandle? OpenFollowingInRoot(SafeFileHandle root, string path)
    {
        var how = new Libc.OpenHow { Flags = (ulong)(O_PATH | O_CLOEXEC), Resolve = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS };
        var fd = Libc.Openat2(Libc.SYS_openat2, root.DangerousGetHandle(), path, ref how, (nuint)(3 * sizeof(ulong)));
        if (fd >= 0)
        {
            return new SafeFileHandle((nint)fd, ownsHandle: true);
        }
        var error = Errno.Last("openat2", path);
        return error.IsNotFound ? null : throw error;
    }

    /// <summary>An O_PATH descriptor of the entry <paramref name="name"/> of <paramref name="directory"/>, not followed when a symlink; null when missing.</summary>
    public static SafeFileHandle? OpenEntry(SafeFileHandle directory, string name)
    {
        var fd = Libc.Openat(directory.DangerousGetHandle(), name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        var error = Errno.Last("openat", name);
        return error.IsNotFound ? null : throw error;
    }

    /// <summary>The target of the symlink <paramref name="link"/> (an O_PATH|O_NOFOLLOW descriptor of it).</summary>
    public static unsafe string ReadLink(SafeFileHandle link)
    {
        var buffer = new byte[4096];
        byte empty = 0;
        fixed (byte* target = buffer)
        {
            var length = (long)readlinkat((int)link.DangerousGetHandle(), &empty, target, buffer.Length);
            Errno.Check(length, "readlinkat");
            return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)length);
        }
    }

    /// <summary>Creates the directory <paramref name="name"/> in <paramref name="directory"/>; false when something is there already.</summary>
    public static unsafe bool CreateDirectory(SafeFileHandle directory, string name, UnixFileMode mode)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* path = bytes)
        {
            if (mkdirat((int)directory.DangerousGetHandle(), path, (Tmds.Linux.mode_t)(uint)mode) == 0)
            {
                return true;
            }
        }
        var error = Errno.Last("mkdirat", name);
        return error.Errno == EEXIST ? false : throw error;
    }

    /// <summary>
    /// Opens a file below <paramref name="directory"/> for writing with nothing but plain directories on the way:
    /// no "..", symlink, magic link or other mount (RESOLVE_BENEATH | RESOLVE_NO_XDEV).
    /// </summary>
    public static SafeFileHandle OpenBeneathForWriting(SafeFileHandle directory, string path)
    {
        var how = new Libc.OpenHow
        {
            Flags = (ulong)(O_WRONLY | O_CLOEXEC | O_NOFOLLOW),
            Resolve = Libc.RESOLVE_BENEATH | Libc.RESOLVE_NO_XDEV | Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS,
        };
        var fd = Libc.Openat2(Libc.SYS_openat2, directory.DangerousGetHandle(), path, ref how, (nuint)(3 * sizeof(ulong)));
        return fd < 0 ? throw Errno.Last("openat2", path) : new SafeFileHandle((nint)fd, ownsHandle: true);
    }

    /// <summary>The /proc/self/fd path that names exactly what <paramref name="fd"/> refers to (for mount(2)).</summary>
    public static string ProcPath(SafeFileHandle fd) =>
        "/proc/self/fd/" + fd.DangerousGetHandle().ToString(CultureInfo.InvariantCulture);

    /// <summary>The magic number of the file system <paramref name="fd"/> is on (fstatfs <c>f_type</c>).</summary>
    public static long FileSystemOf(SafeFileHandle fd)
    {
        Errno.Check(Libc.Fstatfs(fd.DangerousGetHandle(), out var buffer), "fstatfs");
        return buffer.Type;
    }

    /// <summary>Whether the mount or file system <paramref name="fd"/> is on is read-only (fstatfs <c>ST_RDONLY</c>).</summary>
    public static bool IsOnReadOnlyMount(SafeFileHandle fd)
    {
        Errno.Check(Libc.Fstatfs(fd.DangerousGetHandle(), out var buffer), "fstatfs");
        return (buffer.Flags & Libc.ST_RDONLY) != 0;
    }

    /// <summary>What <paramref name="fd"/> refers to: its kind and, for device nodes, the device number.</summary>
    public static unsafe (UnixFileKind Kind, ulong Device) StatusOf(SafeFileHandle fd)
    {
        Tmds.Linux.stat st;
        Errno.Check(fstat((int)fd.DangerousGetHandle(), &st), "fstat");
        return (UnixFileKinds.Of((uint)st.st_mode), (ulong)st.st_rdev);
    }

    /// <summary>openat2's fallback for kernels before 5.6: one O_PATH|O_NOFOLLOW open per component, refusing symlinks and "..".</summary>
    private static SafeFileHandle? WalkInRoot(SafeFileHandle root, string path)
    {
        var current = new SafeFileHandle(root.DangerousGetHandle(), ownsHandle: false);
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(n => n != "."))
        {
            if (name == "..")
            {
                current.Dispose();
                throw new ErrnoException(ELOOP, "open in root", path);
            }
            var fd = Libc.Openat(current.DangerousGetHandle(), name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
            current.Dispose();
            if (fd < 0)
            {
                var error = Errno.Last("openat", path);
                return error.IsNotFound ? null : throw error;
            }
            current = new SafeFileHandle(fd, ownsHandle: true);
            if (StatusOf(current).Kind == UnixFileKind.Symlink)
            {
                current.Dispose();
                throw new ErrnoException(ELOOP, "open in root", path);
            }
        }
        return current;
    }
}
