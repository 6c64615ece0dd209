using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>Mount calls the daemon may make in its own (the host's) mount namespace: pins and per-pod tmpfs.</summary>
public static class Mounts
{
    /// <summary>Bind-mounts <paramref name="source"/> onto <paramref name="target"/>, creating an empty target file first.</summary>
    public static void BindFile(string source, string target)
    {
        if (!File.Exists(target))
        {
            using (File.Create(target))
            {
            }
        }
        Errno.Check(Libc.Mount(source, target, null, Libc.MS_BIND, null), "bind mount", $"{source} on {target}");
    }

    /// <summary>Mounts a nosuid, nodev tmpfs (noexec unless <paramref name="executable"/>) with the given options (e.g. <c>mode=1777,size=65536k</c>).</summary>
    public static void Tmpfs(string target, string options, bool executable = false)
    {
        Directory.CreateDirectory(target);
        Errno.Check(Libc.Mount("shm", target, "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV | (executable ? 0 : Libc.MS_NOEXEC), options), "mount tmpfs", target);
    }

    /// <summary>
    /// Remounts the file system at <paramref name="target"/> read-only as a whole (MS_REMOUNT without MS_BIND changes the
    /// superblock): no file of it can be opened for writing through any mount, path or descriptor until it is remounted.
    /// </summary>
    public static void SealReadOnly(string target) =>
        Errno.Check(Libc.Mount(null, target, null, Libc.MS_REMOUNT | Libc.MS_RDONLY | Libc.MS_NOSUID | Libc.MS_NODEV, null), "remount read-only", target);

    /// <summary>Lazily unmounts <paramref name="target"/>; false when nothing was mounted there (or it is gone).</summary>
    public static bool Unmount(string target)
    {
        if (Libc.Umount2(target, Libc.MNT_DETACH) == 0)
        {
            return true;
        }
        var error = Errno.Last("umount", target);
        return error.IsInvalid || error.IsNotFound ? false : throw error;
    }

    /// <summary>The file system magic number of the file system holding <paramref name="path"/> (statfs <c>f_type</c>).</summary>
    public static long FileSystemType(string path)
    {
        Errno.Check(Libc.Statfs(path, out var buffer), "statfs", path);
        return buffer.Type;
    }
}
