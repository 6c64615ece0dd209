namespace CriShim.Runtime.Image;

/// <summary>
/// Digests (layers by chain ID, blobs) that a pull in progress is about to reference. Garbage
/// collection removes content only through <see cref="TryCollect"/>, under the same lock as
/// <see cref="Pin"/>, so content a pull has seen never disappears before its image is recorded.
/// </summary>
public sealed class ContentPins
{
    private readonly Dictionary<string, int> _pins = new(StringComparer.Ordinal);

    public IDisposable Pin(IEnumerable<string> keys)
    {
        var list = keys.ToList();
        lock (_pins)
        {
            foreach (var key in list)
            {
                _pins[key] = _pins.GetValueOrDefault(key) + 1;
            }
        }
        return new Unpin(this, list);
    }

    /// <summary>Runs <paramref name="collect"/> unless <paramref name="key"/> is pinned; keep it fast (a rename).</summary>
    public bool TryCollect(string key, Action collect)
    {
        lock (_pins)
        {
            if (_pins.ContainsKey(key))
            {
                return false;
            }
            collect();
            return true;
        }
    }

    private void Release(IReadOnlyList<string> keys)
    {
        lock (_pins)
        {
            foreach (var key in keys)
            {
                if (--_pins[key] == 0)
                {
                    _pins.Remove(key);
                }
            }
        }
    }

    private sealed class Unpin(ContentPins owner, IReadOnlyList<string> keys) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                owner.Release(keys);
            }
        }
    }
}
