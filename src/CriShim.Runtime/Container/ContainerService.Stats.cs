using System.Collections.Concurrent;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerService
{
    /// <summary>The last CPU sample of each container, from which the next one derives a rate (as containerd does).</summary>
    private readonly ConcurrentDictionary<string, CpuSample> _cpuSamples = new();

    /// <summary>CPU, memory, swap and writable-layer usage of one container (id or unique prefix).</summary>
    public ContainerStatsResponse Stats(string idOrPrefix) =>
        new() { Stats = StatsOf(Refresh(store.Get(idOrPrefix))) };

    /// <summary>Stats of the containers <see cref="ContainerFilters"/> selects (the same filtering as ListContainers).</summary>
    public ListContainerStatsResponse ListStats(ContainerStatsFilter? filter)
    {
        var listFilter = filter is null ? null : new ContainerFilter { Id = filter.Id, PodSandboxId = filter.PodSandboxId, LabelSelector = { filter.LabelSelector } };
        var response = new ListContainerStatsResponse();
        response.Stats.AddRange(Candidates(listFilter).Select(Refresh).Where(c => ContainerFilters.Matches(listFilter, c)).OrderBy(c => c.Record.CreatedAt).Select(StatsOf));
        return response;
    }

    private ContainerStats StatsOf(StoredContainer container)
    {
        var record = container.Record;
        var timestamp = UnixNanoseconds(DateTimeOffset.UtcNow);
        // Only a running container has processes to account; one created or exited reports zero use.
        var usage = container.Status.State == ContainerState.ContainerRunning
            ? cgroups.ReadStats(record.CgroupPath) ?? CgroupStats.Empty
            : CgroupStats.Empty;
        var layer = DiskUsage.Of(store.DirectoryOf(record.Id).Upper);

        var attributes = new ContainerAttributes
        {
            Id = record.Id,
            Metadata = new ContainerMetadata { Name = record.Name, Attempt = record.Attempt },
        };
        attributes.Labels.Add(record.Labels.ToDictionary());
        attributes.Annotations.Add(record.Annotations.ToDictionary());

        var cpu = new CpuUsage { Timestamp = timestamp, UsageCoreNanoSeconds = new UInt64Value { Value = usage.CpuUsageNanoseconds } };
        if (CpuRate(record.Id, new CpuSample(timestamp, usage.CpuUsageNanoseconds)) is { } rate)
        {
            cpu.UsageNanoCores = new UInt64Value { Value = rate };
        }
        var memory = new MemoryUsage
        {
            Timestamp = timestamp,
            WorkingSetBytes = new UInt64Value { Value = usage.WorkingSetBytes },
            UsageBytes = new UInt64Value { Value = usage.MemoryUsageBytes },
            RssBytes = new UInt64Value { Value = usage.RssBytes },
            PageFaults = new UInt64Value { Value = usage.PageFaults },
            MajorPageFaults = new UInt64Value { Value = usage.MajorPageFaults },
        };
        if (usage.AvailableBytes is { } available)
        {
            memory.AvailableBytes = new UInt64Value { Value = available };
        }
        var swap = new SwapUsage { Timestamp = timestamp, SwapUsageBytes = new UInt64Value { Value = usage.SwapUsageBytes ?? 0 } };
        if (usage.SwapAvailableBytes is { } swapAvailable)
        {
            swap.SwapAvailableBytes = new UInt64Value { Value = swapAvailable };
        }
        return new ContainerStats
        {
            Attributes = attributes,
            Cpu = cpu,
            Memory = memory,
            Swap = swap,
            WritableLayer = new FilesystemUsage
            {
                Timestamp = timestamp,
                FsId = new FilesystemIdentifier { Mountpoint = store.Directory },
                UsedBytes = new UInt64Value { Value = (ulong)layer.Bytes },
                InodesUsed = new UInt64Value { Value = (ulong)layer.Inodes },
            },
        };
    }

    /// <summary>
    /// Nanocores (1e9 = one full core) used since the previous sample of this container; null for the first
    /// sample, or when the counter went backwards or no time passed.
    /// </summary>
    private ulong? CpuRate(string id, CpuSample current)
    {
        var previous = _cpuSamples.GetValueOrDefault(id);
        _cpuSamples[id] = current;
        if (previous is null || current.Timestamp <= previous.Timestamp || current.UsageNanoseconds < previous.UsageNanoseconds)
        {
            return null;
        }
        var used = (double)(current.UsageNanoseconds - previous.UsageNanoseconds);
        return (ulong)(used / (current.Timestamp - previous.Timestamp) * 1e9);
    }

    private sealed record CpuSample(long Timestamp, ulong UsageNanoseconds);
}
