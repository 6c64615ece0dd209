using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Container.Lifecycle;

/// <summary>Pod records as the sandbox store would hold them: a ready pod without namespaces of its own, whose cgroup parent exists.</summary>
internal sealed class FakePods : IPodSandboxes
{
    public const string CgroupParent = "/crishim-svc-test";

    private readonly Dictionary<string, PodSandboxRecord> _pods = new(StringComparer.Ordinal);

    public PodSandboxRecord Add(string id, string logDirectory)
    {
        var record = new PodSandboxRecord
        {
            Id = id,
            ConfigJson = PodSandboxRecord.ConfigToJson(new PodSandboxConfig
            {
                Metadata = new PodSandboxMetadata { Name = "pod", Namespace = "default", Uid = id },
                LogDirectory = logDirectory,
            }),
            RuntimeHandler = "",
            CreatedAt = 1,
            State = PodSandboxLifecycle.Ready,
            Namespaces = NamespaceKinds.None,
            CgroupPath = $"{CgroupParent}/crishim-{id}",
        };
        _pods[id] = record;
        return record;
    }

    public PodSandboxRecord? Find(string id) => _pods.GetValueOrDefault(id);

    public PodSandboxRecord? Resolve(string idOrPrefix) => Find(idOrPrefix);
}
