using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const int TCSANOW = 0;
    internal const ulong TIOCGWINSZ = 0x5413;

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

    [StructLayout(LayoutKind.Sequential)]
    internal struct WinSize
    {
        public ushort ws_row;
        public ushort ws_col;
        public ushort ws_xpixel;
        public ushort ws_ypixel;
    }

    [LibraryImport(Name, EntryPoint = "isatty")]
    internal static partial int Isatty(int fd);

    [LibraryImport(Name, EntryPoint = "tcgetattr", SetLastError = true)]
    internal static partial int Tcgetattr(int fd, out Termios termios);

    [LibraryImport(Name, EntryPoint = "tcsetattr", SetLastError = true)]
    internal static partial int Tcsetattr(int fd, int optionalActions, in Termios termios);

    [LibraryImport(Name, EntryPoint = "cfmakeraw")]
    internal static partial void Cfmakeraw(ref Termios termios);

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlWinSize(int fd, ulong request, out WinSize size);
}
