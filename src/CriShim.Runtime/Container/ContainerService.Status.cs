using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerService
{
    /// <summary>The container as the kubelet sees it; <paramref name="verbose"/> adds an <c>info</c> JSON with pid, rootfs, cgroup and spec.</summary>
    public ContainerStatusResponse Status(string idOrPrefix, bool verbose)
    {
        var container = Refresh(store.Get(idOrPrefix));
        var response = new ContainerStatusResponse { Status = CriStatusOf(container) };
        if (verbose)
        {
            response.Info.Add("info", VerboseInfo(container));
        }
        return response;
    }

    /// <summary>The container's status as it is stored now.</summary>
    private static ContainerStatus CriStatusOf(StoredContainer container)
    {
        var record = container.Record;
        var status = container.Status;
        var config = ContainerConfig.Parser.ParseJson(record.ConfigJson);
        var cri = new ContainerStatus
        {
            Id = record.Id,
            Metadata = new ContainerMetadata { Name = record.Name, Attempt = record.Attempt },
            State = status.State,
            CreatedAt = record.CreatedAt,
            StartedAt = status.StartedAt,
            FinishedAt = status.FinishedAt,
            ExitCode = status.ExitCode,
            Image = config.Image,
            ImageRef = record.ImageId,
            ImageId = record.ImageId,
            Reason = status.Reason,
            Message = status.Message,
            LogPath = record.LogPath,
            StopSignal = StopSignals.ToCri(record.StopSignal),
        };
        cri.Labels.Add(record.Labels.ToDictionary());
        cri.Annotations.Add(record.Annotations.ToDictionary());
        cri.Mounts.AddRange(config.Mounts);
        if (status.ResourcesJson.Length > 0)
        {
            cri.Resources = new ContainerResources { Linux = LinuxContainerResources.Parser.ParseJson(status.ResourcesJson) };
        }
        if (UserOf(record) is { } user)
        {
            cri.User = user;
        }
        return cri;
    }

    /// <summary>The identity the process runs with, from the spec (resolved at create time).</summary>
    private static ContainerUser? UserOf(ContainerRecord record)
    {
        if (ReadSpec(record) is not { } spec)
        {
            return null;
        }
        var linux = new LinuxContainerUser { Uid = spec.Process.User.Uid, Gid = spec.Process.User.Gid };
        linux.SupplementalGroups.AddRange(spec.Process.User.AdditionalGids.Select(g => (long)g));
        return new ContainerUser { Linux = linux };
    }

    private static Contract.ContainerProcessSpec? ReadSpec(ContainerRecord record)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(record.SpecFile), Contract.ContainerJsonContext.Default.ContainerProcessSpec);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
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
            ["rootfs"] = store.DirectoryOf(record.Id).Rootfs,
            ["writableLayer"] = store.DirectoryOf(record.Id).Upper,
            ["cgroupPath"] = record.CgroupPath,
            ["stateDirectory"] = StateOf(record.Id).Path,
            ["stopSignal"] = record.StopSignal,
            ["oomScoreAdj"] = status.EffectiveOomScoreAdj,
            ["imageRef"] = record.ImageId,
            ["config"] = JsonNode.Parse(record.ConfigJson),
            ["runtimeSpec"] = File.Exists(record.SpecFile) ? JsonNode.Parse(File.ReadAllBytes(record.SpecFile)) : null,
        };
        return info.ToJsonString();
    }
}
