using System.Collections.Concurrent;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Image;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

/// <summary>A container as callers see it: its fixed record (and its parsed form) and its current status.</summary>
public sealed record StoredContainer(ContainerRecord Record, ContainerRunStatus Status, ContainerDetails Details)
{
    public string Id => Record.Id;
}

/// <summary>
/// Containers by id: immutable <see cref="ContainerRecord"/>s and their <see cref="ContainerRunStatus"/>
/// in two persistent maps under <c>{root}/containers</c>, plus the names reserved per sandbox
/// (<c>name</c> + <c>attempt</c>, as the kubelet makes them unique). A record whose status is
/// missing (crash between the two writes) is kept as CREATED so that Remove can clean it up.
/// </summary>
public sealed class ContainerStore : ILayerUsers
{
    public const int SchemaVersion = 1;
    private readonly PersistentMap<ContainerRecord> _records;
    private readonly PersistentMap<ContainerRunStatus> _statuses;
    private readonly NameRegistry _names = new();
    private readonly ConcurrentDictionary<string, ContainerDetails> _details = new(StringComparer.Ordinal);

    public ContainerStore(string directory, ILogger log)
    {
        Directory = directory;
        _records = new PersistentMap<ContainerRecord>(Path.Combine(directory, "metadata"), SchemaVersion, RecordJsonContext.Default.ContainerRecord, r => r.Id, log);
        _statuses = new PersistentMap<ContainerRunStatus>(Path.Combine(directory, "status"), SchemaVersion, RecordJsonContext.Default.ContainerRunStatus, s => s.Id, log);
        foreach (var record in _records.All)
        {
            _names.TryReserve(NameKey(record.SandboxId, record.Name, record.Attempt), record.Id);
            _details[record.Id] = ContainerDetails.Load(record);
            if (_statuses.Find(record.Id) is null)
            {
                _statuses.Put(new ContainerRunStatus { Id = record.Id });
            }
        }
        // A status without a record is what a crash in the middle of Add or Remove leaves.
        foreach (var orphan in _statuses.All.Where(s => _records.Find(s.Id) is null).ToList())
        {
            _statuses.Remove(orphan.Id);
        }
    }

    public IEnumerable<string> LayersInUse() => _records.All.SelectMany(r => r.Layers);

    /// <summary>Where per-container directories (writable layer, spec) live: <c>{root}/containers/&lt;id&gt;</c>.</summary>
    public string Directory { get; }

    public ContainerDirectory DirectoryOf(string id) => new(Path.Combine(Directory, id));

    /// <summary>Every container callers may see: all but those still being created.</summary>
    public IReadOnlyList<StoredContainer> All => Records.Where(c => !c.Status.Creating).ToList();

    /// <summary>Containers whose CreateContainer has not finished: in flight, or interrupted by a crash when read at start-up.</summary>
    public IReadOnlyList<StoredContainer> Creating => Records.Where(c => c.Status.Creating).ToList();

    public StoredContainer? Find(string id) => FindAny(id) is { Status.Creating: false } found ? found : null;

    /// <summary>Any container, also one being created.</summary>
    public StoredContainer? FindAny(string id) =>
        _records.Find(id) is { } record ? With(record) : null;

    /// <summary>Whether any record, also one being created, has this id.</summary>
    public bool Knows(string id) => _records.Find(id) is not null;

    private IEnumerable<StoredContainer> Records => _records.All.Select(With);

    private StoredContainer With(ContainerRecord record) => new(
        record,
        _statuses.Find(record.Id) ?? new ContainerRunStatus { Id = record.Id },
        _details.GetOrAdd(record.Id, static (_, r) => ContainerDetails.Load(r), record));

    /// <summary>The container with this id or unique id prefix; NotFound otherwise.</summary>
    public StoredContainer Get(string idOrPrefix) =>
        Resolve(idOrPrefix) ?? throw new NotFoundException($"container '{idOrPrefix}' does not exist");

    /// <summary>Exact id first, then a prefix that matches exactly one container.</summary>
    public StoredContainer? Resolve(string idOrPrefix)
    {
        if (idOrPrefix.Length == 0)
        {
            return null;
        }
        if (Find(idOrPrefix) is { } exact)
        {
            return exact;
        }
        var matches = All.Where(c => c.Id.StartsWith(idOrPrefix, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => null,
            _ => throw new InvalidArgumentException($"container id prefix '{idOrPrefix}' matches more than one container"),
        };
    }

    /// <summary>Reserves a name in a sandbox for <paramref name="id"/>; AlreadyExists names the container that holds it.</summary>
    public void ReserveName(string sandboxId, string name, uint attempt, string id)
    {
        if (_names.TryReserve(NameKey(sandboxId, name, attempt), id) is { } holder)
        {
            throw new AlreadyExistsException(
                $"container name '{name}' (attempt {attempt}) is already used by container {holder} in sandbox {sandboxId}; remove that container first");
        }
    }

    public void ReleaseName(string sandboxId, string name, uint attempt, string id) =>
        _names.Release(NameKey(sandboxId, name, attempt), id);

    /// <summary>Persists a new container: status first, so a stored record always has one. <paramref name="details"/> is the record already parsed.</summary>
    public void Add(ContainerRecord record, ContainerRunStatus status, ContainerDetails details)
    {
        _details[record.Id] = details;
        _statuses.Put(status);
        if (!_records.TryAdd(record))
        {
            throw new AlreadyExistsException($"container {record.Id} already exists");
        }
    }

    /// <summary>Changes the status durably; null when the container is gone.</summary>
    public ContainerRunStatus? Update(string id, Func<ContainerRunStatus, ContainerRunStatus> change) =>
        _records.Find(id) is null ? null : _statuses.Update(id, change);

    /// <summary>Forgets a container and frees its name; an unknown id is fine.</summary>
    public void Remove(string id)
    {
        if (_records.Find(id) is { } record)
        {
            _records.Remove(id);
            ReleaseName(record.SandboxId, record.Name, record.Attempt, id);
        }
        _statuses.Remove(id);
        _details.TryRemove(id, out _);
    }

    private static string NameKey(string sandboxId, string name, uint attempt) => $"{sandboxId}/{name}/{attempt}";
}
