using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Contract;
using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerInspection
{
    /// <summary>The container as the kubelet sees it; <paramref name="verbose"/> adds an <c>info</c> JSON with pid, rootfs, cgroup and spec.</summary>
    public ContainerStatusResponse Status(string idOrPrefix, bool verbose)
    {
        var container = containers.Refresh(Store.Get(idOrPrefix));
        var response = new ContainerStatusResponse { Status = ContainerStatuses.Of(container) };
        if (verbose)
        {
            response.Info.Add("info", VerboseInfo(container));
        }
        return response;
    }

    /// <summary>containerd-style verbose info: what a person debugging the node wants to see.</summary>
    private string VerboseInfo(StoredContainer container)
    {
        var record = container.Record;
        var status = container.Status;
        var info = new JsonObject
        {
            ["sandboxID"] = record.SandboxId,
            ["pid"] = status.Pid,
            ["monitorPid"] = status.MonitorPid,
            ["rootfs"] = Store.DirectoryOf(record.Id).Rootfs,
            ["writableLayer"] = Store.DirectoryOf(record.Id).Upper,
            ["cgroupPath"] = record.CgroupPath,
            ["stateDirectory"] = containers.StateOf(record.Id).Path,
            ["stopSignal"] = record.StopSignal,
            ["oomScoreAdj"] = status.EffectiveOomScoreAdj,
            ["imageRef"] = record.ImageId,
            ["config"] = JsonNode.Parse(record.ConfigJson),
            ["runtimeSpec"] = container.Details.Spec is { } spec ? JsonSerializer.SerializeToNode(spec, ContainerJsonContext.Default.ContainerProcessSpec) : null,
        };
        return info.ToJsonString();
    }
}
