using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;
using static Tmds.Linux.LibC;

namespace CriShim.Native;

/// <summary>An exclusive flock(2) on a file, held until the returned handle is closed; the kernel drops it when its holder dies.</summary>
public static class FileLock
{
    /// <summary>Waits for the lock on <paramref name="path"/> (created 0600 when missing).</summary>
    public static SafeFileHandle Exclusive(string path)
    {
        var fd = Libc.Open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0b110_000_000);
        if (fd.IsInvalid)
        {
            throw Errno.Last("open", path);
        }
        while (Libc.Flock(fd, Libc.LOCK_EX) != 0)
        {
            var error = Errno.Last("flock", path);
            if (error.Errno != EINTR)
            {
                fd.Dispose();
                throw error;
            }
        }
        return fd;
    }
}
