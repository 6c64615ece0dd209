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
        var response = new PodSandboxStatusResponse { Status = PodSandboxStatuses.Of(record, IsHeld(record)) };
        if (verbose)
        {
            response.Info.Add("info", VerboseInfo(record));
        }
        return response;
    }

    private bool IsHeld(PodSandboxRecord record) => infra.IsHeld(record, DirectoryOf(record.Id));

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
