namespace CriShim.Api.Http2;

/// <summary>
/// The HPACK dynamic table of RFC 7541 §2.3.2 and §4: newest entry first, bounded by the sum of entry sizes,
/// oldest entries evicted to make room.
/// </summary>
internal sealed class HpackDynamicTable(int maxSize)
{
    // Oldest first, so eviction removes from the front and insertion appends.
    private readonly List<HeaderField> _entries = [];

    public int Count => _entries.Count;

    /// <summary>Sum of the entry sizes (RFC 7541 §4.1).</summary>
    public int Size { get; private set; }

    public int MaxSize { get; private set; } = maxSize;

    /// <summary>The entry at a 0-based position, 0 being the newest.</summary>
    public HeaderField this[int index] => _entries[_entries.Count - 1 - index];

    /// <summary>Adds an entry, evicting old ones; an entry larger than the table empties it (RFC 7541 §4.4).</summary>
    public void Add(HeaderField field)
    {
        var entry = field with { NeverIndexed = false };
        if (entry.Size > MaxSize)
        {
            _entries.Clear();
            Size = 0;
            return;
        }

        EvictUntilFits(MaxSize - entry.Size);
        _entries.Add(entry);
        Size += entry.Size;
    }

    /// <summary>Applies a dynamic table size update (RFC 7541 §4.3).</summary>
    public void Resize(int maxSize)
    {
        MaxSize = maxSize;
        EvictUntilFits(maxSize);
    }

    private void EvictUntilFits(int budget)
    {
        var evicted = 0;
        while (Size > budget)
        {
            Size -= _entries[evicted].Size;
            evicted++;
        }

        _entries.RemoveRange(0, evicted);
    }
}
