using CriShim.Native.Interop;
using static Tmds.Linux.LibC;

namespace CriShim.Native;

/// <summary>
/// Creating and labelling file system nodes the way an image layer describes them: device nodes,
/// FIFOs, hard links, ownership, times and xattrs of the node itself (never through a final symlink).
/// </summary>
public static class FileNodes
{
    public static void CreateCharacterDevice(string path, UnixFileMode mode, uint major, uint minor) =>
        Errno.Check(Libc.Mknod(path, (uint)S_IFCHR | (uint)mode, MakeDevice(major, minor)), "mknod", path);

    public static void CreateBlockDevice(string path, UnixFileMode mode, uint major, uint minor) =>
        Errno.Check(Libc.Mknod(path, (uint)S_IFBLK | (uint)mode, MakeDevice(major, minor)), "mknod", path);

    public static void CreateFifo(string path, UnixFileMode mode) =>
        Errno.Check(Libc.Mknod(path, (uint)S_IFIFO | (uint)mode, 0), "mknod", path);

    public static void CreateHardLink(string existing, string path) =>
        Errno.Check(Libc.Link(existing, path), "link", path);

    public static void SetOwner(string path, int uid, int gid) =>
        Errno.Check(Libc.Lchown(path, uid, gid), "lchown", path);

    /// <summary>Sets access and modification time of the node itself (a symlink is not followed).</summary>
    public static unsafe void SetTimes(string path, DateTimeOffset accessed, DateTimeOffset modified)
    {
        var times = stackalloc Libc.TimeSpec[2];
        times[0] = ToTimeSpec(accessed);
        times[1] = ToTimeSpec(modified);
        Errno.Check(Libc.Utimensat(Libc.AtFdCwd, path, times, Libc.AtSymlinkNoFollow), "utimensat", path);
    }

    public static unsafe void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            Errno.Check(Libc.Lsetxattr(path, name, p, (nuint)value.Length, 0), "lsetxattr", $"{path} ({name})");
        }
    }

    /// <summary>The value of an xattr of the node itself, or null when it has none of that name.</summary>
    public static unsafe byte[]? GetXattr(string path, string name)
    {
        var buffer = new byte[64 * 1024];
        fixed (byte* p = buffer)
        {
            var length = Libc.Lgetxattr(path, name, p, (nuint)buffer.Length);
            if (length < 0)
            {
                var error = Errno.Last("lgetxattr", $"{path} ({name})");
                return error.Errno == ENODATA ? null : throw error;
            }
            return buffer[..(int)length];
        }
    }

    /// <summary>lstat of the node: what it is and what it costs on disk.</summary>
    public static unsafe FileNodeStatus Status(string path)
    {
        Tmds.Linux.stat st;
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            if (lstat(p, &st) != 0)
            {
                throw Errno.Last("lstat", path);
            }
        }
        return StatusFrom(st);
    }

    /// <summary>fstat of what <paramref name="fd"/> refers to (an O_PATH descriptor of a symlink gives the symlink).</summary>
    public static unsafe FileNodeStatus Status(Microsoft.Win32.SafeHandles.SafeFileHandle fd)
    {
        Tmds.Linux.stat st;
        Errno.Check(fstat((int)fd.DangerousGetHandle(), &st), "fstat");
        return StatusFrom(st);
    }

    private static FileNodeStatus StatusFrom(in Tmds.Linux.stat st) =>
        new(
            (uint)st.st_mode, (int)(uint)st.st_uid, (int)(uint)st.st_gid, (ulong)st.st_dev, (ulong)st.st_ino, (ulong)st.st_nlink,
            (long)st.st_blocks * 512, Major((ulong)st.st_rdev), Minor((ulong)st.st_rdev),
            DateTimeOffset.FromUnixTimeSeconds(st.st_mtim.tv_sec).AddTicks(st.st_mtim.tv_nsec / 100));

    private static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) |
        ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    private static uint Major(ulong device) => (uint)(((device >> 32) & 0xfffff000) | ((device >> 8) & 0xfff));

    private static uint Minor(ulong device) => (uint)(((device >> 12) & 0xffffff00) | (device & 0xff));

    private static Libc.TimeSpec ToTimeSpec(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return new Libc.TimeSpec { Seconds = seconds, Nanoseconds = rest * 100 };
    }
}

/// <summary>What <see cref="FileNodes.Status"/> reports about one node.</summary>
public readonly record struct FileNodeStatus(
    uint Mode, int Uid, int Gid, ulong Device, ulong Inode, ulong Links, long DiskBytes, uint RdevMajor, uint RdevMinor,
    DateTimeOffset Modified)
{
    public UnixFileKind Kind => UnixFileKinds.Of(Mode);

    public UnixFileMode Permissions => (UnixFileMode)(Mode & 0xFFF);
}
