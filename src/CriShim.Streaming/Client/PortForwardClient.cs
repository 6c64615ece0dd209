using System.Globalization;
using System.Text;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.Spdy;

namespace CriShim.Streaming.Client;

/// <summary>
/// One port-forward session (<c>portforward.k8s.io</c> over SPDY): each <see cref="OpenAsync"/> is a
/// request with its own id, an error stream the server writes failures to and a data stream carrying
/// the connection both ways. Many requests share the session concurrently.
/// </summary>
public sealed class PortForwardClient : IAsyncDisposable
{
    private readonly SpdySession _session;
    private int _nextRequestId;

    private PortForwardClient(SpdySession session) => _session = session;

    public static async Task<PortForwardClient> ConnectAsync(Uri url, CancellationToken cancel = default)
    {
        var (session, _) = await SpdyClientHandshake.ConnectAsync(url, StreamProtocols.SpdyPortForward, cancel);
        return new PortForwardClient(session);
    }

    /// <summary>Opens a connection to <paramref name="port"/> in the pod.</summary>
    public async Task<PortForwardConnection> OpenAsync(int port, CancellationToken cancel = default)
    {
        var requestId = Interlocked.Increment(ref _nextRequestId).ToString(CultureInfo.InvariantCulture);
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var error = await _session.OpenStreamAsync(Headers(StreamTypes.Error, portText, requestId), cancel: cancel);
        await error.Reply.WaitAsync(cancel);
        // Only the server writes on the error stream.
        await error.CloseWriteAsync(cancel);
        var data = await _session.OpenStreamAsync(Headers(StreamTypes.Data, portText, requestId), cancel: cancel);
        await data.Reply.WaitAsync(cancel);
        return new PortForwardConnection(data, ReadErrorAsync(error));
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private static SpdyHeaders Headers(string type, string port, string requestId) => new SpdyHeaders()
        .With(StreamTypes.Header, type)
        .With(StreamTypes.PortHeader, port)
        .With(StreamTypes.RequestIdHeader, requestId);

    private static async Task<string?> ReadErrorAsync(SpdyStream error)
    {
        var all = new MemoryStream();
        try
        {
            await error.CopyToAsync(all);
        }
        catch (IOException)
        {
            // The session ended; whatever arrived is the answer.
        }
        return all.Length == 0 ? null : Encoding.UTF8.GetString(all.ToArray());
    }
}

/// <summary>
/// One forwarded connection: <see cref="Data"/> is the pod's side of it (dispose to close ours);
/// <see cref="Error"/> completes with the server's message when forwarding failed, or null.
/// </summary>
public sealed record PortForwardConnection(SpdyStream Data, Task<string?> Error);
