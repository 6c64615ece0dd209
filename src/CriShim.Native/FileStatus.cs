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

    /// <summary>
    /// Which file <paramref name="fd"/> is and which version of it: device, inode, size and the modification and
    /// change times to the nanosecond. Replacing or rewriting the file changes it.
    /// </summary>
    public static unsafe string IdentityOf(Microsoft.Win32.SafeHandles.SafeFileHandle fd)
    {
        Tmds.Linux.stat st;
        Errno.Check(fstat((int)fd.DangerousGetHandle(), &st), "fstat");
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{(ulong)st.st_dev}:{(ulong)st.st_ino}:{(long)st.st_size}:{(long)st.st_mtim.tv_sec}.{(long)st.st_mtim.tv_nsec}:{(long)st.st_ctim.tv_sec}.{(long)st.st_ctim.tv_nsec}");
    }
}
