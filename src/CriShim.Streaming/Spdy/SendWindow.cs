namespace CriShim.Streaming.Spdy;

/// <summary>
/// The send side of the session's flow control: one connection window and one window per stream,
/// guarded by one lock so a writer takes from both at once. Writers wait while a window is empty and
/// wake on any WINDOW_UPDATE or SETTINGS change.
/// </summary>
internal sealed class SendWindow
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _connection = SpdySession.DefaultWindow;
    private long _initialStream = SpdySession.DefaultWindow;
    private bool _enforced;

    /// <summary>The starting window of a new stream (SETTINGS INITIAL_WINDOW_SIZE changes it).</summary>
    public long InitialStreamWindow
    {
        get
        {
            lock (_lock)
            {
                return _initialStream;
            }
        }
    }

    /// <summary>
    /// Go's spdystream (kubelet, kubectl, crictl) neither sends WINDOW_UPDATE nor honours windows; the
    /// windows bind only once the peer shows it does flow control (a SETTINGS window or a WINDOW_UPDATE).
    /// </summary>
    public void Enforce()
    {
        lock (_lock)
        {
            _enforced = true;
            Signal();
        }
    }

    public void Grow(StreamWindow? stream, long delta)
    {
        lock (_lock)
        {
            if (stream is null)
            {
                _connection += delta;
            }
            else
            {
                stream.Value += delta;
            }
            Signal();
        }
    }

    /// <summary>Applies a new initial window to every open stream, as the draft asks (section 2.6.8).</summary>
    public void SetInitialStreamWindow(long window, IEnumerable<StreamWindow> open)
    {
        lock (_lock)
        {
            var delta = window - _initialStream;
            _initialStream = window;
            foreach (var stream in open)
            {
                stream.Value += delta;
            }
            Signal();
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> bytes of both windows, waiting while either is empty.</summary>
    public async ValueTask<int> TakeAsync(StreamWindow stream, int wanted, CancellationToken cancel)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var available = _enforced ? Math.Min(_connection, stream.Value) : wanted;
                if (available > 0)
                {
                    var n = (int)Math.Min(available, wanted);
                    _connection -= n;
                    stream.Value -= n;
                    return n;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancel);
        }
    }

    /// <summary>Wakes waiting writers so they can see a closed stream or session.</summary>
    public void Wake()
    {
        lock (_lock)
        {
            Signal();
        }
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One stream's send window; only <see cref="SendWindow"/> touches it, under its lock.</summary>
internal sealed class StreamWindow(long initial)
{
    public long Value { get; set; } = initial;
}
