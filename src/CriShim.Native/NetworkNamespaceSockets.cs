using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// Hands TCP sockets made inside a network namespace to a process outside it (the daemon, which never
/// joins namespaces): <c>crishim-runtime netns-socket</c> joins the namespace on its main thread, creates
/// an IPv4 and, when the namespace has IPv6, an IPv6 socket there and sends them over the unix socket on
/// <see cref="ChildDescriptor"/> (SCM_RIGHTS), or the reason it could not. A socket stays in the
/// namespace it was created in, so the daemon can connect it from any thread.
/// </summary>
public static class NetworkNamespaceSockets
{
    /// <summary>The descriptor number the helper finds its end of the socket pair on.</summary>
    public const int ChildDescriptor = 3;

    private const byte Sockets = (byte)'S';
    private const byte Failure = (byte)'E';

    /// <summary>In the helper: the IPv4 socket first, then the IPv6 one if any.</summary>
    public static void Send(SafeFileHandle channel, IReadOnlyList<SafeFileHandle> sockets) =>
        UnixSockets.SendDescriptors(channel, [Sockets], sockets);

    public static void SendFailure(SafeFileHandle channel, string message) =>
        UnixSockets.SendDescriptors(channel, [Failure, .. Encoding.UTF8.GetBytes(message)], []);

    /// <summary>In the daemon: the sockets (IPv4 first), or throws <see cref="IOException"/> with the helper's reason.</summary>
    public static IReadOnlyList<SafeFileHandle> Receive(SafeFileHandle channel)
    {
        var buffer = new byte[4096];
        var (length, descriptors) = UnixSockets.ReceiveDescriptors(channel, buffer, maxDescriptors: 2);
        if (length > 0 && buffer[0] == Sockets && descriptors.Count > 0)
        {
            return descriptors;
        }
        foreach (var descriptor in descriptors)
        {
            descriptor.Dispose();
        }
        throw new IOException(length > 0 && buffer[0] == Failure
            ? Encoding.UTF8.GetString(buffer, 1, length - 1)
            : "the runtime helper ended without handing over a socket");
    }
}
