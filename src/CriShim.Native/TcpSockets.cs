using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>Unconnected TCP sockets: a socket belongs to the network namespace of the thread that created it, for good.</summary>
public static class TcpSockets
{
    /// <summary>A close-on-exec IPv4 or IPv6 stream socket; EAFNOSUPPORT when the namespace has no IPv6.</summary>
    public static SafeFileHandle Create(bool ipv6)
    {
        var socket = Libc.Socket(ipv6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (socket.IsInvalid)
        {
            var error = Errno.Last(ipv6 ? "socket(AF_INET6)" : "socket(AF_INET)");
            socket.Dispose();
            throw error;
        }
        return socket;
    }
}
