namespace CriShim.Runtime.Image;

/// <summary>
/// containerd's progress deadline for one pull: the pull's token is cancelled when the caller
/// cancels, or when nothing progressed (a response, a chunk of a blob) for <c>timeout</c>. A
/// registry that stalls mid-blob thus ends the pull instead of holding it, and the locks of the
/// layers it was fetching, forever. A zero timeout only follows the caller.
/// </summary>
public sealed class PullDeadline : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly Timer? _watch;
    private long _lastProgress = Environment.TickCount64;

    public PullDeadline(TimeSpan timeout, CancellationToken caller)
    {
        Timeout = timeout;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
        if (timeout > TimeSpan.Zero)
        {
            var period = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 10, 50, 1000));
            _watch = new Timer(_ => Check(), null, period, period);
        }
    }

    public TimeSpan Timeout { get; }

    public CancellationToken Token => _source.Token;

    /// <summary>True once the pull was ended for lack of progress (not by its caller).</summary>
    public bool Expired { get; private set; }

    public void Progressed() => Interlocked.Exchange(ref _lastProgress, Environment.TickCount64);

    public void Dispose()
    {
        _watch?.Dispose();
        _source.Dispose();
    }

    private void Check()
    {
        if (Environment.TickCount64 - Interlocked.Read(ref _lastProgress) < Timeout.TotalMilliseconds || _source.IsCancellationRequested)
        {
            return;
        }
        Expired = true;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
