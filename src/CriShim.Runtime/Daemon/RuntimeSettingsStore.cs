using CriShim.Runtime.Configuration;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Daemon;

/// <summary>Settings the kubelet pushes at run time (<c>UpdateRuntimeConfig</c>), kept across restarts.</summary>
public sealed class RuntimeSettingsStore
{
    private const string RecordId = "runtime";
    private readonly PersistentMap<RuntimeSettings> _map;

    public RuntimeSettingsStore(DaemonConfig config, ILogger<RuntimeSettingsStore> log)
    {
        _map = new PersistentMap<RuntimeSettings>(Path.Combine(config.Root, "runtime"), schemaVersion: 1, RecordJsonContext.Default.RuntimeSettings, _ => RecordId, log);
    }

    public RuntimeSettings Current => _map.Find(RecordId) ?? new RuntimeSettings(PodCidr: "");

    public void SetPodCidr(string podCidr) => _map.Put(Current with { PodCidr = podCidr });
}

public sealed record RuntimeSettings(string PodCidr);
