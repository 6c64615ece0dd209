using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>The process's root directory (chroot), set from a descriptor so no path is looked up on the way.</summary>
public static class ProcessRoot
{
    /// <summary>Makes the directory <paramref name="directory"/> refers to the root and the working directory.</summary>
    public static void ChangeTo(SafeFileHandle directory)
    {
        Errno.Check(Libc.Fchdir(directory), "fchdir", ResolvedPaths.ProcPath(directory));
        Errno.Check(Libc.Chroot("."), "chroot", ResolvedPaths.ProcPath(directory));
    }
}
