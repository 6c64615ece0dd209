using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Streaming;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.Spdy;

namespace CriShim.Api.Streaming;

/// <summary>
/// Port forwarding over SPDY (<c>portforward.k8s.io</c>): the client opens an error and a data stream
/// per connection, paired by <c>requestID</c>; each pair becomes a connection to <c>localhost:port</c>
/// in the pod, copied both ways until both sides closed. Failures go to the pair's error stream as
/// text, as kubelet writes them; pairs are independent and run concurrently.
/// </summary>
internal sealed class SpdyPortForwardHandler(IContainerStreaming runtime, ILogger<SpdyPortForwardHandler> log)
{
    public async Task HandleAsync(HttpContext context, PortForwardStreamRequest request)
    {
        var accepted = await SpdyUpgrade.AcceptAsync(context, StreamProtocols.SpdyPortForward);
        if (accepted is not var (session, _))
        {
            return;
        }
        await using var _ = session;
        var clientGone = new CancellationTokenSource();
        var pending = new ConcurrentDictionary<string, Pair>(StringComparer.Ordinal);
        var forwards = new List<Task>();
        try
        {
            await foreach (var stream in session.AcceptedStreams.ReadAllAsync(context.RequestAborted))
            {
                var type = stream.Headers[StreamTypes.Header];
                var requestId = stream.Headers[StreamTypes.RequestIdHeader] ?? stream.Id.ToString(CultureInfo.InvariantCulture);
                if (type is not (StreamTypes.Error or StreamTypes.Data))
                {
                    await stream.ResetAsync(SpdyResetStatus.RefusedStream);
                    continue;
                }
                await stream.ReplyAsync();
                var pair = pending.GetOrAdd(requestId, _ => new Pair());
                if (type == StreamTypes.Error ? pair.Error is not null : pair.Data is not null)
                {
                    await stream.ResetAsync(SpdyResetStatus.ProtocolError);
                    continue;
                }
                if (type == StreamTypes.Error)
                {
                    // The client only reads the error stream; what it might send there goes nowhere.
                    stream.DiscardIncoming();
                    pair.Error = stream;
                }
                else
                {
                    pair.Data = stream;
                }
                if (pair is { Error: { } error, Data: { } data })
                {
                    pending.TryRemove(requestId, out var _);
                    forwards.Add(ForwardAsync(request.PodSandboxId, error, data, clientGone.Token));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went.
        }
        await clientGone.CancelAsync();
        await Task.WhenAll(forwards);
    }

    private async Task ForwardAsync(string podSandboxId, SpdyStream error, SpdyStream data, CancellationToken cancel)
    {
        var portText = data.Headers[StreamTypes.PortHeader] ?? error.Headers[StreamTypes.PortHeader];
        try
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
            {
                throw new InvalidArgumentException($"invalid port '{portText}'");
            }
            await using var connection = await runtime.ConnectAsync(podSandboxId, port, cancel);
            var up = CopyAsync(data, connection, () => HalfClose(connection), cancel);
            var down = CopyAsync(connection, data, () => data.CloseWriteAsync(cancel), cancel);
            await Task.WhenAll(up, down);
        }
        catch (Exception e) when (e is CriException or IOException or SocketException)
        {
            var message = $"error forwarding port {portText} to pod {podSandboxId}, uid : {e.Message}";
            log.LogInformation("{Message}", message);
            await TryAsync(() => error.WriteAsync(Encoding.UTF8.GetBytes(message), CancellationToken.None).AsTask());
        }
        catch (OperationCanceledException)
        {
            // The client went.
        }
        await TryAsync(() => error.CloseWriteAsync());
        await TryAsync(() => data.CloseWriteAsync());
    }

    private static async Task CopyAsync(Stream from, Stream to, Func<Task> closeTarget, CancellationToken cancel)
    {
        var buffer = new byte[32 * 1024];
        int n;
        while ((n = await from.ReadAsync(buffer, cancel)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), cancel);
            await to.FlushAsync(cancel);
        }
        await closeTarget();
    }

    /// <summary>The client closed its side: the pod's server reads end of stream but may still answer.</summary>
    private static Task HalfClose(Stream connection)
    {
        if (connection is NetworkStream network)
        {
            network.Socket.Shutdown(SocketShutdown.Send);
        }
        return Task.CompletedTask;
    }

    private static async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // The client is gone; nobody to tell.
        }
    }

    private sealed class Pair
    {
        public SpdyStream? Error { get; set; }
        public SpdyStream? Data { get; set; }
    }
}
