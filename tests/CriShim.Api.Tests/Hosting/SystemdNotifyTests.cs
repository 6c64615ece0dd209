using System.Net.Sockets;
using System.Text;
using CriShim.Api.Hosting;

namespace CriShim.Api.Tests.Hosting;

public sealed class SystemdNotifyTests
{
    private static string Receive(Socket listener)
    {
        var buffer = new byte[1024];
        listener.ReceiveTimeout = 5000;
        return Encoding.UTF8.GetString(buffer, 0, listener.Receive(buffer));
    }

    [Fact]
    public void Sends_one_datagram_to_a_socket_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"notify-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            Assert.True(SystemdNotify.Send("READY=1\nMAINPID=42", path));

            Assert.Equal("READY=1\nMAINPID=42", Receive(listener));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_at_sign_names_an_abstract_socket()
    {
        var name = $"crishim-notify-test-{Guid.NewGuid():N}";
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + name));

        Assert.True(SystemdNotify.Send("STOPPING=1", "@" + name));

        Assert.Equal("STOPPING=1", Receive(listener));
    }

    [Theory]
    [InlineData("")]
    [InlineData("relative/path")]
    public void Without_a_usable_socket_nothing_is_sent(string socket) =>
        Assert.False(SystemdNotify.Send("READY=1", socket));
}
