using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>The container RPCs that only report: status, list, stats, and the writable layers for ImageFsInfo.</summary>
public interface IContainerInspection
{
    ContainerStatusResponse Status(string idOrPrefix, bool verbose);

    ListContainersResponse List(ContainerFilter? filter);

    ContainerStatsResponse Stats(string idOrPrefix);

    ListContainerStatsResponse ListStats(ContainerStatsFilter? filter);

    FilesystemUsage WritableLayersUsage();
}
