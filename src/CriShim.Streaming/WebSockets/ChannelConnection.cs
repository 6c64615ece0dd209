using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace CriShim.Streaming.WebSockets;

/// <summary>
/// A WebSocket carrying Kubernetes channels, either end: a receive loop sorts messages into one
/// readable stream per channel this side reads (ending at the peer's close signal or the socket's
/// close); writes become channel messages, one at a time. Messages for channels this side does not
/// read are dropped: buffered, nobody would take them and the loop would stop, blind to the peer going.
/// </summary>
public sealed class ChannelConnection : IAsyncDisposable
{
    private const int MaxMessage = 32 * 1024;

    /// <summary>A longer message (of fragments never ending) is refused: it would be held in memory whole.</summary>
    public const int MaxIncomingMessage = 1 << 20;

    private readonly WebSocket _socket;
    private readonly Pipe?[] _incoming = new Pipe?[5];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _receiveLoop = Task.CompletedTask;

    /// <param name="inbound">The channels this side reads.</param>
    public ChannelConnection(WebSocket socket, ChannelFraming framing, IEnumerable<byte> inbound)
    {
        _socket = socket;
        Framing = framing;
        foreach (var channel in inbound)
        {
            _incoming[channel] = new Pipe(new PipeOptions(useSynchronizationContext: false));
        }
    }

    public ChannelFraming Framing { get; }

    /// <summary>Completes when the peer closed the socket or it broke.</summary>
    public Task Completion => _receiveLoop;

    public void Start(CancellationToken cancel) => _receiveLoop = Task.Run(() => ReceiveLoopAsync(cancel), CancellationToken.None);

    /// <summary>The channel as a stream: reads what the peer sent on it, writes send on it.</summary>
    public Stream Channel(byte channel) => new ChannelStream(this, channel);

    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        do
        {
            var chunk = data[..Math.Min(data.Length, MaxMessage)];
            await SendRawAsync(Framing.Encode(channel, chunk.Span), cancel);
            data = data[chunk.Length..];
        }
        while (!data.IsEmpty);
    }

    /// <summary>v5 only: tells the peer this side will send nothing more on <paramref name="channel"/>.</summary>
    public Task SendCloseAsync(byte channel, CancellationToken cancel) => SendRawAsync(Framing.EncodeClose(channel), cancel);

    /// <summary>Ends the connection with a normal close.</summary>
    public async Task CloseAsync(CancellationToken cancel)
    {
        await _sendLock.WaitAsync(cancel);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancel);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        try
        {
            await _receiveLoop;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Aborting is how the loop ends here.
        }
        _socket.Dispose();
    }

    internal async ValueTask<int> ReadAsync(byte channel, Memory<byte> buffer, CancellationToken cancel)
    {
        var reader = (_incoming[channel] ?? throw new InvalidOperationException($"channel {channel} was not declared inbound")).Reader;
        var result = await reader.ReadAsync(cancel);
        var n = (int)Math.Min(buffer.Length, result.Buffer.Length);
        result.Buffer.Slice(0, n).CopyTo(buffer.Span);
        reader.AdvanceTo(result.Buffer.GetPosition(n));
        return n;
    }

    private async Task SendRawAsync(byte[] message, CancellationToken cancel)
    {
        await _sendLock.WaitAsync(cancel);
        try
        {
            await _socket.SendAsync(message, Framing.MessageType, endOfMessage: true, cancel);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancel)
    {
        var buffer = new byte[MaxMessage + 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, cancel);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxIncomingMessage)
                {
                    throw new WebSocketException(WebSocketError.Faulted, $"a message of over {MaxIncomingMessage} bytes");
                }
                if (!result.EndOfMessage)
                {
                    continue;
                }
                var decoded = Framing.Decode(message.GetBuffer().AsSpan(0, (int)message.Length));
                message.SetLength(0);
                if (decoded is null || decoded.Channel >= _incoming.Length || _incoming[decoded.Channel] is not { } pipe)
                {
                    continue;
                }
                var writer = pipe.Writer;
                if (decoded.Close)
                {
                    await writer.CompleteAsync();
                }
                else
                {
                    await writer.WriteAsync(decoded.Data, cancel);
                }
            }
        }
        finally
        {
            foreach (var pipe in _incoming.OfType<Pipe>())
            {
                await pipe.Writer.CompleteAsync();
            }
        }
    }

    /// <summary>One channel as a stream; disposing it closes nothing (v5 close signals are explicit).</summary>
    private sealed class ChannelStream(ChannelConnection connection, byte channel) : AsyncDuplexStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            connection.ReadAsync(channel, buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            buffer.IsEmpty ? ValueTask.CompletedTask : new ValueTask(connection.SendAsync(channel, buffer, cancellationToken));
    }
}
