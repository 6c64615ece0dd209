using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

/// <summary>Sandbox records under <c>{root}/sandboxes</c>, with the registry of their names rebuilt on load.</summary>
public sealed class PodSandboxStore : IPodSandboxes
{
    private readonly PersistentMap<PodSandboxRecord> _map;

    public PodSandboxStore(DaemonConfig config, ILogger<PodSandboxStore> log)
    {
        _map = new PersistentMap<PodSandboxRecord>(Path.Combine(config.Root, "sandboxes"), schemaVersion: 1, RecordJsonContext.Default.PodSandboxRecord, r => r.Id, log);
        foreach (var record in _map.All)
        {
            Names.TryReserve(PodSandboxRecord.NameOf(record.Config.Metadata), record.Id);
        }
    }

    public NameRegistry Names { get; } = new();

    /// <summary>Every sandbox callers may see: all but those still being created.</summary>
    public IReadOnlyCollection<PodSandboxRecord> All => _map.All.Where(r => r.State != PodSandboxLifecycle.Creating).ToList();

    /// <summary>Sandboxes whose Run has not finished: in flight now, or interrupted by a crash when read at start-up.</summary>
    public IReadOnlyCollection<PodSandboxRecord> Creating => _map.All.Where(r => r.State == PodSandboxLifecycle.Creating).ToList();

    public PodSandboxRecord? Find(string id) => _map.Find(id) is { State: not PodSandboxLifecycle.Creating } record ? record : null;

    /// <summary>Every record, also those being created.</summary>
    public IReadOnlyCollection<PodSandboxRecord> Records => _map.All;

    /// <summary>Any record, also one being created.</summary>
    public PodSandboxRecord? FindAny(string id) => _map.Find(id);

    public void Add(PodSandboxRecord record)
    {
        if (!_map.TryAdd(record))
        {
            throw new AlreadyExistsException($"pod sandbox {record.Id} already exists");
        }
    }

    public PodSandboxRecord? Update(string id, Func<PodSandboxRecord, PodSandboxRecord> change) => _map.Update(id, change);

    public void Remove(string id) => _map.Remove(id);

    /// <summary>The sandbox with this id or unique id prefix (as crictl users type them); null when none.</summary>
    public PodSandboxRecord? Resolve(string idOrPrefix)
    {
        if (idOrPrefix.Length == 0)
        {
            throw new InvalidArgumentException("pod sandbox id is empty");
        }
        if (Find(idOrPrefix) is { } exact)
        {
            return exact;
        }
        var matches = All.Where(r => r.Id.StartsWith(idOrPrefix, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new InvalidArgumentException($"pod sandbox id prefix '{idOrPrefix}' matches more than one sandbox"),
        };
    }
}
