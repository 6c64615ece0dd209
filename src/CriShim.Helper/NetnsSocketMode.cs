using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper;

/// <summary>
/// <c>netns-socket &lt;netns&gt;</c>: joins the network namespace pinned at <c>netns</c> on the main thread,
/// creates TCP sockets there and sends them to the daemon over fd 3 (<see cref="NetworkNamespaceSockets"/>).
/// The daemon connects them (port-forward); this process only lends its namespace.
/// </summary>
internal static class NetnsSocketMode
{
    public static int Run(string netnsPath)
    {
        using var channel = new SafeFileHandle(NetworkNamespaceSockets.ChildDescriptor, ownsHandle: true);
        var sockets = new List<SafeFileHandle>();
        try
        {
            Namespaces.JoinCurrentThread(netnsPath, NamespaceKinds.Network);
            sockets.Add(TcpSockets.Create(ipv6: false));
            try
            {
                sockets.Add(TcpSockets.Create(ipv6: true));
            }
            catch (ErrnoException)
            {
                // No IPv6 in this namespace: IPv4 only.
            }
            NetworkNamespaceSockets.Send(channel, sockets);
            return 0;
        }
        catch (ErrnoException e)
        {
            NetworkNamespaceSockets.SendFailure(channel, $"opening a socket in the network namespace {netnsPath}: {e.Message}");
            return 1;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
