using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace CriShim.Native;

/// <summary>File system calls that .NET does not expose: directory fsync, ownership, umask.</summary>
public static class FileSystem
{
    /// <summary>Makes a rename or create inside <paramref name="directory"/> durable.</summary>
    public static void SyncDirectory(string directory)
    {
        using SafeFileHandle fd = Libc.Open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd.IsInvalid)
        {
            throw Errno.Last("open", directory);
        }
        Errno.Check(Libc.Fsync(fd), "fsync", directory);
    }

    public static void Chown(string path, int uid, int gid) =>
        Errno.Check(Libc.Chown(path, uid, gid), "chown", path);

    /// <summary>The type of the file at <paramref name="path"/> (not following a final symlink), or null when nothing is there.</summary>
    public static unsafe UnixFileKind? KindOf(string path)
    {
        stat st;
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            if (lstat(p, &st) != 0)
            {
                var error = Errno.Last("lstat", path);
                return error.IsNotFound ? null : throw error;
            }
        }
        var mode = st.st_mode;
        return S_ISREG(mode) ? UnixFileKind.Regular
            : S_ISDIR(mode) ? UnixFileKind.Directory
            : S_ISLNK(mode) ? UnixFileKind.Symlink
            : S_ISSOCK(mode) ? UnixFileKind.Socket
            : S_ISFIFO(mode) ? UnixFileKind.Fifo
            : S_ISCHR(mode) ? UnixFileKind.CharacterDevice
            : UnixFileKind.BlockDevice;
    }

    /// <summary>Sets the process umask and returns the previous one.</summary>
    public static UnixFileMode SetUmask(UnixFileMode mask) => (UnixFileMode)Libc.Umask((int)mask);
}
