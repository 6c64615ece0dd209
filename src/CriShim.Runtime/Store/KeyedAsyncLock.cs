namespace CriShim.Runtime.Store;

/// <summary>An async mutex per key (a digest, a sandbox id), so concurrent work on one thing is serialized and done once.</summary>
public sealed class KeyedAsyncLock
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _gates = new(StringComparer.Ordinal);

    public async Task<IDisposable> LockAsync(string key, CancellationToken cancel)
    {
        SemaphoreSlim gate;
        lock (_gates)
        {
            var (existing, users) = _gates.TryGetValue(key, out var entry) ? entry : (new SemaphoreSlim(1, 1), 0);
            _gates[key] = (existing, users + 1);
            gate = existing;
        }
        try
        {
            await gate.WaitAsync(cancel);
        }
        catch
        {
            Release(key, held: false);
            throw;
        }
        return new Releaser(() => Release(key, held: true));
    }

    private void Release(string key, bool held)
    {
        lock (_gates)
        {
            var (gate, users) = _gates[key];
            if (held)
            {
                gate.Release();
            }
            if (users == 1)
            {
                _gates.Remove(key);
                gate.Dispose();
            }
            else
            {
                _gates[key] = (gate, users - 1);
            }
        }
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
