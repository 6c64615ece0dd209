using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace CriShim.Streaming.Spdy;

/// <summary>
/// One SPDY/3.1 connection, either end: the client opens odd stream ids, the server even ones. A read
/// loop dispatches frames to <see cref="SpdyStream"/>s (interleaved freely), answers the peer's PINGs,
/// keeps the flow-control windows and hands the streams the peer opens to <see cref="AcceptedStreams"/>.
/// Writes go through one lock because header blocks share one deflate stream.
/// </summary>
public sealed class SpdySession : IAsyncDisposable
{
    /// <summary>The initial stream and connection window of SPDY/3.1.</summary>
    public const int DefaultWindow = 64 * 1024;

    /// <summary>Largest DATA frame this side sends.</summary>
    public const int MaxDataFrame = 32 * 1024;

    private readonly Stream _transport;
    private readonly SpdyFrameReader _reader;
    private readonly SpdyFrameWriter _writer = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, SpdyStream> _streams = new();
    private readonly ConcurrentDictionary<uint, TaskCompletionSource> _pings = new();
    private readonly Channel<SpdyStream> _accepted = Channel.CreateUnbounded<SpdyStream>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _idLock = new();
    private uint _nextStreamId;
    private uint _nextPingId;
    private uint _lastPeerStreamId;
    private long _receivedUnacknowledged;
    private Task _readLoop = Task.CompletedTask;

    public SpdySession(Stream transport, bool isServer)
    {
        _transport = transport;
        _reader = new SpdyFrameReader(transport);
        IsServer = isServer;
        _nextStreamId = isServer ? 2u : 1u;
        _nextPingId = isServer ? 2u : 1u;
    }

    public bool IsServer { get; }

    /// <summary>Set once either side sent GOAWAY: no new streams.</summary>
    public bool GoneAway { get; private set; }

    /// <summary>Streams the peer opened, in order; completes when the session ends.</summary>
    public ChannelReader<SpdyStream> AcceptedStreams => _accepted.Reader;

    /// <summary>Completes when the peer's side ended (end of stream, GOAWAY handled, or an error).</summary>
    public Task Completion => _readLoop;

    internal SendWindow Send { get; } = new();

    internal CancellationToken Stopping => _stop.Token;

    /// <summary>Starts reading; announces this side's window so a peer like us knows we do flow control.</summary>
    public async Task StartAsync(CancellationToken cancel = default)
    {
        await SendAsync(new SettingsFrame(false, [new SpdySetting(SpdySettingId.InitialWindowSize, DefaultWindow)]), cancel);
        _readLoop = Task.Run(ReadLoopAsync, CancellationToken.None);
    }

    /// <summary>Opens a stream (SYN_STREAM); await <see cref="SpdyStream.Reply"/> for the peer's SYN_REPLY.</summary>
    public async Task<SpdyStream> OpenStreamAsync(SpdyHeaders headers, bool fin = false, CancellationToken cancel = default)
    {
        if (GoneAway || _stop.IsCancellationRequested)
        {
            throw new IOException("the SPDY session is going away; no new streams");
        }
        SpdyStream stream;
        await _writeLock.WaitAsync(cancel);
        try
        {
            // Ids must reach the wire in increasing order: take one under the write lock.
            uint id;
            lock (_idLock)
            {
                id = _nextStreamId;
                _nextStreamId += 2;
            }
            stream = new SpdyStream(this, id, headers, Send.InitialStreamWindow, locallyOpened: true);
            _streams[id] = stream;
            await WriteLockedAsync(new SynStreamFrame(id, 0, 0, fin, false, headers), cancel);
        }
        finally
        {
            _writeLock.Release();
        }
        if (fin)
        {
            stream.MarkLocalClosed();
        }
        return stream;
    }

    /// <summary>Round trip of a PING.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancel = default)
    {
        uint id;
        lock (_idLock)
        {
            id = _nextPingId;
            _nextPingId += 2;
        }
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[id] = answered;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await SendAsync(new PingFrame(id), cancel);
            await answered.Task.WaitAsync(cancel);
            return Stopwatch.GetElapsedTime(started);
        }
        finally
        {
            _pings.TryRemove(id, out _);
        }
    }

    /// <summary>Tells the peer no more streams will be accepted; open ones carry on.</summary>
    public async Task GoAwayAsync(SpdyGoAwayStatus status = SpdyGoAwayStatus.Ok, CancellationToken cancel = default)
    {
        if (GoneAway)
        {
            return;
        }
        GoneAway = true;
        await SendAsync(new GoAwayFrame(_lastPeerStreamId, status), cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _transport.DisposeAsync();
        try
        {
            await _readLoop;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The transport going away is how a session ends.
        }
        _reader.Dispose();
        _writer.Dispose();
    }

    internal async Task SendAsync(SpdyFrame frame, CancellationToken cancel)
    {
        await _writeLock.WaitAsync(cancel);
        try
        {
            await WriteLockedAsync(frame, cancel);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The application read <paramref name="count"/> bytes: gives the peer room again in half-window steps.</summary>
    internal async Task ConsumedAsync(long count)
    {
        var total = Interlocked.Add(ref _receivedUnacknowledged, count);
        if (total >= DefaultWindow / 2 && Interlocked.CompareExchange(ref _receivedUnacknowledged, 0, total) == total)
        {
            await TrySendAsync(new WindowUpdateFrame(0, (uint)total));
        }
    }

    internal void Forget(SpdyStream stream) => _streams.TryRemove(stream.Id, out _);

    private async Task WriteLockedAsync(SpdyFrame frame, CancellationToken cancel)
    {
        var bytes = _writer.Encode(frame);
        await _transport.WriteAsync(bytes, cancel);
        await _transport.FlushAsync(cancel);
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (await _reader.ReadAsync(_stop.Token) is { } frame)
            {
                await DispatchAsync(frame);
            }
        }
        catch (SpdyProtocolException e)
        {
            failure = e;
            await TrySendAsync(new GoAwayFrame(_lastPeerStreamId, SpdyGoAwayStatus.ProtocolError));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            failure = e;
        }
        finally
        {
            _accepted.Writer.TryComplete();
            foreach (var stream in _streams.Values)
            {
                stream.SessionEnded(failure);
            }
            _streams.Clear();
            foreach (var ping in _pings.Values)
            {
                ping.TrySetException(new IOException("the SPDY session ended before the PING was answered"));
            }
            Send.Wake();
        }
    }

    private async Task DispatchAsync(SpdyFrame frame)
    {
        switch (frame)
        {
            case DataFrame f:
                if (_streams.TryGetValue(f.StreamId, out var target))
                {
                    await target.ReceivedAsync(f.Data, f.Fin);
                }
                break;
            case SynStreamFrame f:
                await AcceptAsync(f);
                break;
            case SynReplyFrame f:
                if (_streams.TryGetValue(f.StreamId, out var replied))
                {
                    replied.Replied(f.Headers, f.Fin);
                }
                break;
            case HeadersFrame f:
                if (f.Fin && _streams.TryGetValue(f.StreamId, out var finished))
                {
                    await finished.ReceivedAsync(ReadOnlyMemory<byte>.Empty, fin: true);
                }
                break;
            case RstStreamFrame f:
                if (_streams.TryRemove(f.StreamId, out var reset))
                {
                    reset.WasReset(f.Status);
                }
                break;
            case SettingsFrame f:
                foreach (var entry in f.Entries.Where(e => e.Id == SpdySettingId.InitialWindowSize))
                {
                    Send.SetInitialStreamWindow(entry.Value, _streams.Values.Select(s => s.Window));
                    Send.Enforce();
                }
                break;
            case WindowUpdateFrame f:
                if (f.Delta == 0)
                {
                    throw new SpdyProtocolException("WINDOW_UPDATE with a zero delta");
                }
                Send.Grow(f.StreamId == 0 ? null : _streams.GetValueOrDefault(f.StreamId)?.Window, f.Delta);
                Send.Enforce();
                break;
            case PingFrame f:
                if ((f.Id & 1) == (IsServer ? 1u : 0u))
                {
                    await SendAsync(f, _stop.Token);
                }
                else if (_pings.TryGetValue(f.Id, out var ping))
                {
                    ping.TrySetResult();
                }
                break;
            case GoAwayFrame:
                GoneAway = true;
                _accepted.Writer.TryComplete();
                break;
        }
    }

    private async Task AcceptAsync(SynStreamFrame f)
    {
        var peerParity = IsServer ? 1u : 0u;
        if ((f.StreamId & 1) != peerParity || f.StreamId <= _lastPeerStreamId)
        {
            await SendAsync(new RstStreamFrame(f.StreamId, SpdyResetStatus.ProtocolError), _stop.Token);
            return;
        }
        _lastPeerStreamId = f.StreamId;
        if (GoneAway)
        {
            await SendAsync(new RstStreamFrame(f.StreamId, SpdyResetStatus.RefusedStream), _stop.Token);
            return;
        }
        var stream = new SpdyStream(this, f.StreamId, f.Headers, Send.InitialStreamWindow, locallyOpened: false);
        _streams[f.StreamId] = stream;
        if (f.Fin)
        {
            await stream.ReceivedAsync(ReadOnlyMemory<byte>.Empty, fin: true);
        }
        if (f.Unidirectional)
        {
            stream.MarkLocalClosed();
        }
        _accepted.Writer.TryWrite(stream);
    }

    /// <summary>Sends a frame nobody waits for; a peer that is gone already does not need it.</summary>
    internal async Task TrySendAsync(SpdyFrame frame)
    {
        try
        {
            await SendAsync(frame, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone already.
        }
    }
}
