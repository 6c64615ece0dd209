using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>The calling thread's root and working directory, shared with the other threads until unshared.</summary>
public static class ThreadFileSystemContext
{
    private const int CLONE_FS = 0x200;

    /// <summary>Gives the thread its own root and cwd: setns into a mount namespace requires it (DESIGN.md).</summary>
    public static void Unshare() => Errno.Check(Libc.Unshare(CLONE_FS), "unshare", "CLONE_FS");
}
