using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const int AF_INET = 2;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const ulong SIOCGIFFLAGS = 0x8913;
    internal const ulong SIOCSIFFLAGS = 0x8914;
    internal const short IFF_UP = 0x1;

    /// <summary><c>struct ifreq</c> as used by the interface flag ioctls: a 16-byte name, then the flags in a 24-byte union.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 40)]
    internal unsafe struct InterfaceRequest
    {
        [FieldOffset(0)] public fixed byte Name[16];
        [FieldOffset(16)] public short Flags;
    }

    [LibraryImport(Name, EntryPoint = "socket", SetLastError = true)]
    internal static partial SafeFileHandle Socket(int domain, int type, int protocol);

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(SafeFileHandle fd, ulong request, ref InterfaceRequest request2);
}
