using System.Net.Sockets;
using System.Text;

namespace CriShim.Api.Hosting;

/// <summary>
/// The sd_notify(3) protocol without libsystemd: one datagram of <c>KEY=VALUE</c> lines to the unix socket
/// named by <c>$NOTIFY_SOCKET</c> (a leading <c>@</c> names an abstract socket). Without the variable
/// (not started by systemd, or not <c>Type=notify</c>) nothing is sent.
/// </summary>
public static class SystemdNotify
{
    public const string Variable = "NOTIFY_SOCKET";

    /// <summary>Sends <paramref name="state"/> (e.g. <c>READY=1</c>); false when there is no socket to send to.</summary>
    public static bool Send(string state, string? socket = null)
    {
        socket ??= Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(socket) || (socket[0] != '/' && socket[0] != '@'))
        {
            return false;
        }
        var path = socket[0] == '@' ? "\0" + socket[1..] : socket;
        using var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        sender.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(path));
        return true;
    }
}
