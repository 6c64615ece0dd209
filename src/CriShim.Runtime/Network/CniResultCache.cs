using CriShim.Runtime.Configuration;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Network;

/// <summary>The per-sandbox <see cref="CniAttachment"/> records, one file each under <c>{root}/cni/</c>.</summary>
public sealed class CniResultCache(DaemonConfig config, ILogger<CniResultCache> log)
{
    private const int SchemaVersion = 1;

    private readonly PersistentMap<CniAttachment> _attachments =
        new(Path.Combine(config.Root, "cni"), SchemaVersion, RecordJsonContext.Default.CniAttachment, a => a.SandboxId, log);

    public string Directory => Path.Combine(config.Root, "cni");

    public CniAttachment? Find(string sandboxId) => _attachments.Find(sandboxId);

    public IReadOnlyList<string> SandboxIds => _attachments.All.Select(a => a.SandboxId).ToList();

    public void Put(CniAttachment attachment) => _attachments.Put(attachment);

    public void Remove(string sandboxId) => _attachments.Remove(sandboxId);
}
