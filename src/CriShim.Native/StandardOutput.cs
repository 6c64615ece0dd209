using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// Writes straight to fd 1 with write(2). System.Console starts a thread on first use, and after
/// <c>unshare(CLONE_NEWPID)</c> the kernel refuses to create threads (EINVAL).
/// </summary>
public static class StandardOutput
{
    public static unsafe void Write(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var offset = 0;
            while (offset < bytes.Length)
            {
                var n = Libc.Write(1, start + offset, (nuint)(bytes.Length - offset));
                if (n < 0)
                {
                    var error = Errno.Last("write", "stdout");
                    if (error.Errno == Tmds.Linux.LibC.EINTR)
                    {
                        continue;
                    }
                    throw error;
                }
                offset += (int)n;
            }
        }
    }
}
