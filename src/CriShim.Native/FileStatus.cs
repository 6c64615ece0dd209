using System.Text;
using static Tmds.Linux.LibC;

namespace CriShim.Native;

/// <summary>stat(2) following symlinks: what a path finally names, as execve and mount see it.</summary>
public static class FileStatus
{
    /// <summary>Kind and permission bits of what <paramref name="path"/> names, or null when nothing is there.</summary>
    public static unsafe (UnixFileKind Kind, UnixFileMode Mode)? Of(string path)
    {
        Tmds.Linux.stat st;
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            if (stat(p, &st) != 0)
            {
                var error = Errno.Last("stat", path);
                return error.IsNotFound || error.Errno == ENOTDIR ? null : throw error;
            }
        }
        var mode = (uint)st.st_mode;
        return (UnixFileKinds.Of(mode), (UnixFileMode)(mode & 0xFFF));
    }
}
