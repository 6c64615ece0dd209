using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const ulong TIOCSCTTY = 0x540E;
    internal const ulong TIOCSWINSZ = 0x5414;

    /// <summary><c>struct winsize</c>: rows first, then columns.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport(Name, EntryPoint = "posix_openpt", SetLastError = true)]
    internal static partial SafeFileHandle PosixOpenpt(int flags);

    [LibraryImport(Name, EntryPoint = "grantpt", SetLastError = true)]
    internal static partial int Grantpt(SafeFileHandle master);

    [LibraryImport(Name, EntryPoint = "unlockpt", SetLastError = true)]
    internal static partial int Unlockpt(SafeFileHandle master);

    /// <summary>Returns the error number (not -1 and errno) like the other _r functions.</summary>
    [LibraryImport(Name, EntryPoint = "ptsname_r")]
    internal static unsafe partial int PtsnameR(SafeFileHandle master, byte* buffer, nuint length);

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlInt(int fd, ulong request, nint argument);

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlWindowSize(SafeFileHandle fd, ulong request, in WindowSize size);
}
