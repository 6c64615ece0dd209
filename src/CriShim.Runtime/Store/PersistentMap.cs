using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Store;

/// <summary>
/// The in-memory view of a <see cref="RecordStore{T}"/>: every change is persisted before it
/// becomes visible, so what readers see is always what a restart would reload.
/// </summary>
public sealed class PersistentMap<T> where T : class
{
    private readonly RecordStore<T> _store;
    private readonly Func<T, string> _idOf;
    private readonly ConcurrentDictionary<string, T> _records = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    public PersistentMap(string directory, int schemaVersion, JsonTypeInfo<T> type, Func<T, string> idOf, ILogger log)
    {
        _store = new RecordStore<T>(directory, schemaVersion, type, log);
        _idOf = idOf;
        foreach (var record in _store.LoadAll())
        {
            _records[idOf(record)] = record;
        }
    }

    public IReadOnlyCollection<T> All => (IReadOnlyCollection<T>)_records.Values;

    public T? Find(string id) => _records.GetValueOrDefault(id);

    /// <summary>Stores a new record; false when the id is taken.</summary>
    public bool TryAdd(T record)
    {
        var id = _idOf(record);
        lock (_writeLock)
        {
            if (_records.ContainsKey(id))
            {
                return false;
            }
            _store.Save(id, record);
            _records[id] = record;
            return true;
        }
    }

    /// <summary>Replaces a record with <paramref name="change"/> of it; null when the id is unknown.</summary>
    public T? Update(string id, Func<T, T> change)
    {
        lock (_writeLock)
        {
            if (!_records.TryGetValue(id, out var current))
            {
                return null;
            }
            var next = change(current);
            _store.Save(id, next);
            _records[id] = next;
            return next;
        }
    }

    /// <summary>Stores or replaces a record.</summary>
    public void Put(T record)
    {
        var id = _idOf(record);
        lock (_writeLock)
        {
            _store.Save(id, record);
            _records[id] = record;
        }
    }

    public bool Remove(string id)
    {
        lock (_writeLock)
        {
            if (!_records.TryRemove(id, out _))
            {
                return false;
            }
            _store.Delete(id);
            return true;
        }
    }
}
