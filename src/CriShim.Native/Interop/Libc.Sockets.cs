using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native.Interop;

/// <summary>Unix sockets (SOCK_SEQPACKET relays, SCM_RIGHTS descriptor passing) and the TCP sockets handed over with them.</summary>
internal static partial class Libc
{
    internal const int AF_INET6 = 10;
    internal const int SOCK_SEQPACKET = 5;
    internal const int SOL_SOCKET = 1;
    internal const int SCM_RIGHTS = 1;
    internal const int SO_RCVTIMEO = 20;
    internal const int SO_SNDTIMEO = 21;
    internal const int MSG_NOSIGNAL = 0x4000;
    internal const int MSG_CMSG_CLOEXEC = 0x40000000;
    internal const int SHUT_RDWR = 2;

    /// <summary><c>struct sockaddr_un</c>: the family, then a NUL-terminated path of at most 107 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct UnixAddress
    {
        public const int PathCapacity = 108;
        public ushort Family;
        public fixed byte Path[PathCapacity];
    }

    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vector;
        public nuint VectorLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct cmsghdr</c>; its data follows at the next 8-byte boundary (16 bytes in).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ControlMessageHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary><c>struct timeval</c> for SO_RCVTIMEO/SO_SNDTIMEO.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TimeValue
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport(Name, EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int Bind(SafeFileHandle socket, UnixAddress* address, uint length);

    [LibraryImport(Name, EntryPoint = "connect", SetLastError = true)]
    internal static unsafe partial int Connect(SafeFileHandle socket, UnixAddress* address, uint length);

    [LibraryImport(Name, EntryPoint = "listen", SetLastError = true)]
    internal static partial int Listen(SafeFileHandle socket, int backlog);

    [LibraryImport(Name, EntryPoint = "accept4", SetLastError = true)]
    internal static partial SafeFileHandle Accept4(SafeFileHandle socket, nint address, nint length, int flags);

    [LibraryImport(Name, EntryPoint = "send", SetLastError = true)]
    internal static unsafe partial nint Send(SafeFileHandle socket, byte* buffer, nuint length, int flags);

    [LibraryImport(Name, EntryPoint = "recv", SetLastError = true)]
    internal static unsafe partial nint Recv(SafeFileHandle socket, byte* buffer, nuint length, int flags);

    [LibraryImport(Name, EntryPoint = "sendmsg", SetLastError = true)]
    internal static unsafe partial nint Sendmsg(SafeFileHandle socket, MessageHeader* message, int flags);

    [LibraryImport(Name, EntryPoint = "recvmsg", SetLastError = true)]
    internal static unsafe partial nint Recvmsg(SafeFileHandle socket, MessageHeader* message, int flags);

    [LibraryImport(Name, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int Setsockopt(SafeFileHandle socket, int level, int option, void* value, uint length);

    [LibraryImport(Name, EntryPoint = "shutdown", SetLastError = true)]
    internal static partial int Shutdown(SafeFileHandle socket, int how);
}
