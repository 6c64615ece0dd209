using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerInspection
{
    /// <summary>CPU, memory, swap, IO pressure and writable-layer usage of one container (id or unique prefix).</summary>
    public ContainerStatsResponse Stats(string idOrPrefix) =>
        new() { Stats = StatsOf(containers.Refresh(Store.Get(idOrPrefix))) };

    /// <summary>Stats of the containers <see cref="ContainerFilters"/> selects (the same filtering as ListContainers).</summary>
    public ListContainerStatsResponse ListStats(ContainerStatsFilter? filter)
    {
        var listFilter = filter is null ? null : new ContainerFilter { Id = filter.Id, PodSandboxId = filter.PodSandboxId, LabelSelector = { filter.LabelSelector } };
        var response = new ListContainerStatsResponse();
        response.Stats.AddRange(Candidates(listFilter).Select(containers.Refresh).Where(c => ContainerFilters.Matches(listFilter, c)).OrderBy(c => c.Record.CreatedAt).Select(StatsOf));
        return response;
    }

    /// <summary>PodSandboxStats: the stats of every container of the pod, in creation order.</summary>
    public IReadOnlyList<ContainerStats> StatsOf(string sandboxId) =>
        Store.All.Where(c => c.Record.SandboxId == sandboxId).Select(containers.Refresh).OrderBy(c => c.Record.CreatedAt).Select(StatsOf).ToList();

    /// <summary>The cgroups of the pod's containers, for pod totals when the pod shares its cgroup parent with other pods.</summary>
    public IReadOnlyList<string> CgroupsOf(string sandboxId) =>
        Store.All.Where(c => c.Record.SandboxId == sandboxId).Select(c => c.Record.CgroupPath).ToList();

    private ContainerStats StatsOf(StoredContainer container)
    {
        var record = container.Record;
        var timestamp = CriTimestamp.Now();
        // Only a running container has processes to account; one created or exited reports zero use.
        var usage = container.Status.State == ContainerState.ContainerRunning
            ? cgroups.ReadStats(record.CgroupPath) ?? CgroupStats.Empty
            : CgroupStats.Empty;
        var layer = DiskUsage.Of(Store.DirectoryOf(record.Id).Upper);

        var attributes = new ContainerAttributes
        {
            Id = record.Id,
            Metadata = new ContainerMetadata { Name = record.Name, Attempt = record.Attempt },
        };
        attributes.Labels.Add(record.Labels.ToDictionary());
        attributes.Annotations.Add(record.Annotations.ToDictionary());

        var cpu = CriUsage.Cpu(usage, timestamp, containers.CpuRates.Rate(record.Id, timestamp, usage.CpuUsageNanoseconds));
        var memory = CriUsage.Memory(usage, timestamp);
        var swap = new SwapUsage { Timestamp = timestamp, SwapUsageBytes = new UInt64Value { Value = usage.SwapUsageBytes ?? 0 } };
        if (usage.SwapAvailableBytes is { } swapAvailable)
        {
            swap.SwapAvailableBytes = new UInt64Value { Value = swapAvailable };
        }
        var stats = new ContainerStats
        {
            Attributes = attributes,
            Cpu = cpu,
            Memory = memory,
            Swap = swap,
            WritableLayer = new FilesystemUsage
            {
                Timestamp = timestamp,
                FsId = new FilesystemIdentifier { Mountpoint = Store.Directory },
                UsedBytes = new UInt64Value { Value = (ulong)layer.Bytes },
                InodesUsed = new UInt64Value { Value = (ulong)layer.Inodes },
            },
        };
        if (CriUsage.Io(usage, timestamp) is { } io)
        {
            stats.Io = io;
        }
        return stats;
    }
}
