using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const ulong TIOCSCTTY = 0x540E;
    internal const ulong TIOCGWINSZ = 0x5413;
    internal const ulong TIOCSWINSZ = 0x5414;
    internal const int TCSANOW = 0;

    /// <summary>glibc's <c>struct termios</c> (60 bytes); only copied and handed back.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct Termios
    {
        public uint c_iflag;
        public uint c_oflag;
        public uint c_cflag;
        public uint c_lflag;
        public byte c_line;
        public fixed byte c_cc[32];
        public uint c_ispeed;
        public uint c_ospeed;
    }

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

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlReadWindowSize(int fd, ulong request, out WindowSize size);

    [LibraryImport(Name, EntryPoint = "isatty")]
    internal static partial int Isatty(int fd);

    [LibraryImport(Name, EntryPoint = "tcgetattr", SetLastError = true)]
    internal static partial int Tcgetattr(int fd, out Termios termios);

    [LibraryImport(Name, EntryPoint = "tcsetattr", SetLastError = true)]
    internal static partial int Tcsetattr(int fd, int optionalActions, in Termios termios);

    [LibraryImport(Name, EntryPoint = "cfmakeraw")]
    internal static partial void Cfmakeraw(ref Termios termios);
}
