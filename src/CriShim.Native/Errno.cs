using System.Runtime.InteropServices;

namespace CriShim.Native;

/// <summary>The one place where a raw libc return code becomes an exception.</summary>
public static class Errno
{
    public static int Check(int rc, string operation, string? target = null) =>
        rc < 0 ? throw Last(operation, target) : rc;

    public static long Check(long rc, string operation, string? target = null) =>
        rc < 0 ? throw Last(operation, target) : rc;

    public static ErrnoException Last(string operation, string? target = null) =>
        new(Marshal.GetLastPInvokeError(), operation, target);
}
