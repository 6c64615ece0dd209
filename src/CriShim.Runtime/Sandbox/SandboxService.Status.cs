using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    public PodSandboxStatusResponse Status(string idOrPrefix, bool verbose)
    {
        var record = store.Resolve(idOrPrefix)
            ?? throw new NotFoundException($"pod sandbox {idOrPrefix} not found");
        var response = new PodSandboxStatusResponse { Status = CriStatusOf(record, DirectoryOf(record.Id)) };
        if (verbose)
        {
            response.Info.Add("info", VerboseInfo(record));
        }
        return response;
    }

    /// <summary>The pod's status as the record and what holds its namespaces say now (also carried by container events).</summary>
    public static PodSandboxStatus CriStatusOf(PodSandboxRecord record, SandboxDirectory directory)
    {
        var config = record.Config;
        var status = new PodSandboxStatus
        {
            Id = record.Id,
            Metadata = config.Metadata,
            State = StateOf(record, directory),
            CreatedAt = record.CreatedAt,
            Linux = new LinuxPodSandboxStatus
            {
                Namespaces = new Protocol.V1.Namespace
                {
                    Options = config.Linux?.SecurityContext?.NamespaceOptions ?? new NamespaceOption(),
                },
            },
            Labels = { config.Labels },
            Annotations = { config.Annotations },
            RuntimeHandler = record.RuntimeHandler,
        };
        if (record.Ips.Count > 0)
        {
            status.Network = new PodSandboxNetworkStatus { Ip = record.Ips[0] };
            status.Network.AdditionalIps.AddRange(record.Ips.Skip(1).Select(ip => new PodIP { Ip = ip }));
        }
        return status;
    }

    /// <summary>READY only while the record says so and the very pause process that Run started still runs (or, without pause, the pins stand).</summary>
    private static PodSandboxState StateOf(PodSandboxRecord record, SandboxDirectory directory) =>
        record.State == PodSandboxLifecycle.Ready && PodInfra.IsHeld(record, directory) ? PodSandboxState.SandboxReady : PodSandboxState.SandboxNotready;

    private bool IsHeld(PodSandboxRecord record) => PodInfra.IsHeld(record, DirectoryOf(record.Id));

    private string VerboseInfo(PodSandboxRecord record)
    {
        var directory = DirectoryOf(record.Id);
        var pins = new NamespacePins(directory.Namespaces);
        var info = new JsonObject
        {
            // 0 for a pod without pause (as CRI-O's without an infra container).
            ["pid"] = record.Pause.Pid,
            ["pauseStartTime"] = record.Pause.StartTime,
            ["pause"] = !record.Pauseless,
            ["netnsPath"] = record.Namespaces.HasFlag(NamespaceKinds.Network) ? pins.PathOf(NamespaceKinds.Network) : "",
            ["namespaces"] = new JsonObject(
                new[] { NamespaceKinds.Network, NamespaceKinds.Ipc, NamespaceKinds.Uts, NamespaceKinds.Pid }
                    .Where(k => record.Namespaces.HasFlag(k))
                    .Select(k => KeyValuePair.Create(k.ProcFileName(), (JsonNode?)pins.PathOf(k)))),
            ["cgroupPath"] = record.CgroupPath,
            ["stateDir"] = directory.Path,
            ["shm"] = record.Namespaces.HasFlag(NamespaceKinds.Ipc) ? directory.Shm : "/dev/shm",
            ["resolvConf"] = directory.ResolvConf,
            ["hostnameFile"] = directory.Hostname,
            ["hostsFile"] = directory.Hosts,
            ["runtimeHandler"] = record.RuntimeHandler,
            ["cniResult"] = record.CniResult is { } cni ? JsonNode.Parse(cni) : null,
            ["config"] = JsonNode.Parse(record.ConfigJson),
        };
        return info.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
