using System.Text;
using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>Interface flags through the classic ioctls; acts in the calling thread's network namespace.</summary>
public static class NetworkInterfaces
{
    /// <summary>Sets IFF_UP on <paramref name="name"/> (e.g. <c>lo</c> in a fresh pod network namespace).</summary>
    public static unsafe void BringUp(string name)
    {
        using var socket = Libc.Socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (socket.IsInvalid)
        {
            throw Errno.Last("socket", "AF_INET");
        }
        var request = default(Libc.InterfaceRequest);
        var bytes = Encoding.ASCII.GetBytes(name);
        if (bytes.Length >= 16)
        {
            throw new ArgumentException($"interface name '{name}' is longer than 15 bytes", nameof(name));
        }
        bytes.CopyTo(new Span<byte>(request.Name, 16));
        Errno.Check(Libc.Ioctl(socket, Libc.SIOCGIFFLAGS, ref request), "SIOCGIFFLAGS", name);
        request.Flags |= Libc.IFF_UP;
        Errno.Check(Libc.Ioctl(socket, Libc.SIOCSIFFLAGS, ref request), "SIOCSIFFLAGS", name);
    }
}
