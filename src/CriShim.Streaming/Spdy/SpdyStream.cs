using System.Buffers;
using System.IO.Pipelines;

namespace CriShim.Streaming.Spdy;

/// <summary>
/// One SPDY stream as a .NET <see cref="Stream"/>: reads return the peer's DATA until its FIN (then 0),
/// writes become DATA frames within the send windows, <see cref="CloseWriteAsync"/> sends this side's
/// FIN (half-close). Bytes read are acknowledged to the peer with WINDOW_UPDATE.
/// </summary>
public sealed class SpdyStream : AsyncDuplexStream
{
    /// <summary>Bytes buffered for a peer that ignores our window before the session stops reading.</summary>
    private const long BufferLimit = 1 << 20;

    private readonly SpdySession _session;
    private readonly Pipe _received = new(new PipeOptions(pauseWriterThreshold: BufferLimit, resumeWriterThreshold: BufferLimit / 2, useSynchronizationContext: false));
    private readonly TaskCompletionSource<SpdyHeaders> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _writeOrder = new(1, 1);
    private long _unacknowledged;
    private bool _remoteClosed;
    private bool _localClosed;
    private bool _localReset;
    private volatile bool _discarding;
    private int _disposed;
    private SpdyResetStatus? _resetStatus;

    internal SpdyStream(SpdySession session, uint id, SpdyHeaders headers, long sendWindow, bool locallyOpened)
    {
        _session = session;
        Id = id;
        Headers = headers;
        Window = new StreamWindow(sendWindow);
        LocallyOpened = locallyOpened;
    }

    public uint Id { get; }

    /// <summary>The SYN_STREAM headers (sent or received).</summary>
    public SpdyHeaders Headers { get; }

    public bool LocallyOpened { get; }

    /// <summary>The peer's SYN_REPLY to a stream this side opened; fails when it was reset instead.</summary>
    public Task<SpdyHeaders> Reply => _reply.Task;

    /// <summary>Set when the stream was reset by either side.</summary>
    public SpdyResetStatus? ResetStatus => _resetStatus;

    internal StreamWindow Window { get; }

    /// <summary>Answers a stream the peer opened (SYN_REPLY).</summary>
    public async Task ReplyAsync(SpdyHeaders? headers = null, bool fin = false, CancellationToken cancel = default)
    {
        await _session.SendAsync(new SynReplyFrame(Id, fin, headers ?? SpdyHeaders.Empty), cancel);
        if (fin)
        {
            MarkLocalClosed();
        }
    }

    /// <summary>
    /// For a stream this side only writes: the peer's data is dropped (and its window given back) instead
    /// of buffered for a reader that never comes, which would stop the session's read loop once full.
    /// Reading it afterwards is an error.
    /// </summary>
    public void DiscardIncoming()
    {
        _discarding = true;
        // Also frees a read loop already waiting for room: writes to a pipe without a reader return at once.
        _received.Reader.Complete();
    }

    /// <summary>Sends this side's FIN; the peer reads end of stream. Idempotent.</summary>
    public async Task CloseWriteAsync(CancellationToken cancel = default)
    {
        await _writeOrder.WaitAsync(cancel);
        try
        {
            if (_localClosed || _resetStatus is not null)
            {
                return;
            }
            _localClosed = true;
            await _session.SendAsync(new DataFrame(Id, true, ReadOnlyMemory<byte>.Empty), cancel);
        }
        finally
        {
            _writeOrder.Release();
        }
        ForgetWhenDone();
    }

    /// <summary>Aborts the stream both ways (RST_STREAM).</summary>
    public async Task ResetAsync(SpdyResetStatus status = SpdyResetStatus.Cancel)
    {
        if (_resetStatus is not null)
        {
            return;
        }
        _localReset = true;
        Reset(status);
        _received.Reader.CancelPendingRead();
        _session.Forget(this);
        await _session.SendAsync(new RstStreamFrame(Id, status), CancellationToken.None);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_localReset)
        {
            return 0;
        }
        var result = await _received.Reader.ReadAsync(cancellationToken);
        var data = result.Buffer;
        if (data.IsEmpty && (result.IsCompleted || result.IsCanceled))
        {
            _received.Reader.AdvanceTo(data.End);
            return _resetStatus is { } status && status != SpdyResetStatus.Cancel
                ? throw new IOException($"SPDY stream {Id} was reset ({status})")
                : 0;
        }
        var n = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, n).CopyTo(buffer.Span);
        _received.Reader.AdvanceTo(data.GetPosition(n));
        await AcknowledgeAsync(n);
        return n;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token, _session.Stopping);
        await _writeOrder.WaitAsync(cancellationToken);
        try
        {
            while (!buffer.IsEmpty)
            {
                if (_localClosed || _resetStatus is not null)
                {
                    throw new IOException($"SPDY stream {Id} is closed for writing");
                }
                int n;
                try
                {
                    n = await _session.Send.TakeAsync(Window, Math.Min(buffer.Length, SpdySession.MaxDataFrame), linked.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new IOException($"SPDY stream {Id} closed while waiting for the peer's window");
                }
                await _session.SendAsync(new DataFrame(Id, false, buffer[..n]), cancellationToken);
                buffer = buffer[n..];
            }
        }
        finally
        {
            _writeOrder.Release();
        }
    }

    /// <summary>Half-closes this side and stops taking the peer's data. Idempotent.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await CloseWriteAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The session is gone; nothing to tell the peer.
        }
        await _received.Reader.CompleteAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stream.Dispose lands here: the FIN is sent in the background.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ = DisposeAsync().AsTask();
        }
    }

    internal async Task ReceivedAsync(ReadOnlyMemory<byte> data, bool fin)
    {
        if (_remoteClosed)
        {
            return;
        }
        if (_discarding)
        {
            await AcknowledgeAsync(data.Length);
        }
        else if (!data.IsEmpty)
        {
            await _received.Writer.WriteAsync(data, _session.Stopping);
        }
        if (fin)
        {
            _remoteClosed = true;
            await _received.Writer.CompleteAsync();
            ForgetWhenDone();
        }
    }

    internal void Replied(SpdyHeaders headers, bool fin)
    {
        _reply.TrySetResult(headers);
        if (fin)
        {
            _ = ReceivedAsync(ReadOnlyMemory<byte>.Empty, fin: true);
        }
    }

    internal void MarkLocalClosed()
    {
        _localClosed = true;
        ForgetWhenDone();
    }

    /// <summary>The peer reset the stream; called on the session's read loop, the only writer of received data.</summary>
    internal void WasReset(SpdyResetStatus status)
    {
        Reset(status);
        _received.Writer.Complete();
    }

    internal void SessionEnded(Exception? failure)
    {
        _reply.TrySetException(new IOException($"the SPDY session ended before stream {Id} was answered", failure));
        _remoteClosed = true;
        _received.Writer.Complete();
        _closed.Cancel();
    }

    private void Reset(SpdyResetStatus status)
    {
        _resetStatus ??= status;
        _reply.TrySetException(new IOException($"SPDY stream {Id} was reset ({status})"));
        _remoteClosed = true;
        _closed.Cancel();
        _session.Send.Wake();
    }

    private async Task AcknowledgeAsync(int n)
    {
        var pending = Interlocked.Add(ref _unacknowledged, n);
        if (!_remoteClosed && pending >= SpdySession.DefaultWindow / 2 && Interlocked.CompareExchange(ref _unacknowledged, 0, pending) == pending)
        {
            await _session.TrySendAsync(new WindowUpdateFrame(Id, (uint)pending));
        }
        await _session.ConsumedAsync(n);
    }

    private void ForgetWhenDone()
    {
        if (_localClosed && _remoteClosed)
        {
            _session.Forget(this);
        }
    }
}
