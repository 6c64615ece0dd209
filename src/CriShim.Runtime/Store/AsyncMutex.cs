namespace CriShim.Runtime.Store;

/// <summary>One async lock for a decision that must see every writer's last word (which cgroup parents are still someone's).</summary>
public sealed class AsyncMutex
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IAsyncDisposable> LockAsync()
    {
        await _gate.WaitAsync();
        return new Releaser(_gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IAsyncDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public ValueTask DisposeAsync()
        {
            Interlocked.Exchange(ref _gate, null)?.Release();
            return ValueTask.CompletedTask;
        }
    }
}
