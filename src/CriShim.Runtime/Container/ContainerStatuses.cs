using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>A container's CRI status from memory: the record, its parsed <see cref="ContainerDetails"/> and the stored status.</summary>
public static class ContainerStatuses
{
    public static ContainerStatus Of(StoredContainer container)
    {
        var record = container.Record;
        var status = container.Status;
        var details = container.Details;
        var cri = new ContainerStatus
        {
            Id = record.Id,
            Metadata = new ContainerMetadata { Name = record.Name, Attempt = record.Attempt },
            State = status.State,
            CreatedAt = record.CreatedAt,
            StartedAt = status.StartedAt,
            FinishedAt = status.FinishedAt,
            ExitCode = status.ExitCode,
            Image = details.Config.Image,
            ImageRef = record.ImageId,
            ImageId = record.ImageId,
            Reason = status.Reason,
            Message = status.Message,
            LogPath = record.LogPath,
            StopSignal = StopSignals.ToCri(record.StopSignal),
        };
        cri.Labels.Add(record.Labels.ToDictionary());
        cri.Annotations.Add(record.Annotations.ToDictionary());
        cri.Mounts.AddRange(details.Config.Mounts);
        if (status.ResourcesJson.Length > 0)
        {
            cri.Resources = new ContainerResources { Linux = LinuxContainerResources.Parser.ParseJson(status.ResourcesJson) };
        }
        if (details.User is { } user)
        {
            cri.User = user;
        }
        return cri;
    }

    /// <summary>The state as error messages say it.</summary>
    public static string Describe(this ContainerState state) => state switch
    {
        ContainerState.ContainerCreated => "created",
        ContainerState.ContainerRunning => "running",
        ContainerState.ContainerExited => "exited",
        _ => "in an unknown state",
    };
}
