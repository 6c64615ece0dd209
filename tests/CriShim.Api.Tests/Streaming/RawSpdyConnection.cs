using System.Net.Sockets;
using System.Text;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.Spdy;

namespace CriShim.Api.Tests.Streaming;

/// <summary>
/// A SPDY client that writes whatever frames or bytes a test wants after the upgrade, with no session
/// logic: it ignores windows (as Go's spdystream does), can send garbage, and can drop the connection.
/// </summary>
internal sealed class RawSpdyConnection : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly SpdyFrameWriter _writer = new();

    private RawSpdyConnection(TcpClient tcp)
    {
        _tcp = tcp;
    }

    public NetworkStream Stream => _tcp.GetStream();

    public static async Task<RawSpdyConnection> ConnectAsync(string url, string protocol = StreamProtocols.V4)
    {
        var uri = new Uri(url);
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n" +
            $"Content-Length: 0\r\n{StreamProtocols.VersionHeader}: {protocol}\r\n\r\n"));
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !head[^4..].SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            Assert.Equal(1, await stream.ReadAsync(one));
            head.Add(one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString(head.ToArray()));
        return new RawSpdyConnection(tcp);
    }

    /// <summary>Opens a client stream (odd id) of a remote-command stream type.</summary>
    public Task OpenAsync(uint id, string streamType) =>
        SendAsync(new SynStreamFrame(id, 0, 0, false, false, new SpdyHeaders().With(StreamTypes.Header, streamType)));

    public Task SendAsync(SpdyFrame frame) => SendAsync(_writer.Encode(frame));

    public async Task SendAsync(byte[] bytes) => await Stream.WriteAsync(bytes).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>True when the server closed the connection within <paramref name="timeout"/>; what it sent is skipped.</summary>
    public async Task<bool> ClosedByServerWithinAsync(TimeSpan timeout)
    {
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await Stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Drops the TCP connection without any SPDY goodbye.</summary>
    public void Dispose()
    {
        _tcp.Dispose();
        _writer.Dispose();
    }
}
