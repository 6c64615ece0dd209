using CriShim.Ctl.Commands;
using CriShim.Protocol.V1;

namespace CriShim.Ctl.Tests.Commands;

public sealed class StatsCommandTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_container_row_shows_cpu_percent_memory_disk_and_inodes_as_crictl()
    {
        var stats = new ContainerStats
        {
            Attributes = new ContainerAttributes { Id = Id, Metadata = new ContainerMetadata { Name = "web" } },
            Cpu = new CpuUsage { UsageNanoCores = new UInt64Value { Value = 123_456_789 } },
            Memory = new MemoryUsage { WorkingSetBytes = new UInt64Value { Value = 2_100_000 } },
            WritableLayer = new FilesystemUsage { UsedBytes = new UInt64Value { Value = 4096 }, InodesUsed = new UInt64Value { Value = 12 } },
        };

        var row = Assert.Single(StatsCommand.Rows([stats], truncate: true));

        Assert.Equal(["0123456789abc", "web", "12.35", "2.1MB", "4.1kB", "12"], row);
    }

    [Fact]
    public void Missing_counters_are_zero_and_no_trunc_keeps_the_whole_id()
    {
        var stats = new ContainerStats { Attributes = new ContainerAttributes { Id = Id, Metadata = new ContainerMetadata { Name = "idle" } } };

        var row = Assert.Single(StatsCommand.Rows([stats], truncate: false));

        Assert.Equal([Id, "idle", "0.00", "0B", "0B", "0"], row);
    }

    [Fact]
    public void A_pod_row_shows_name_id_cpu_and_memory()
    {
        var stats = new PodSandboxStats
        {
            Attributes = new PodSandboxAttributes { Id = Id, Metadata = new PodSandboxMetadata { Name = "nginx", Namespace = "default" } },
            Linux = new LinuxPodSandboxStats
            {
                Cpu = new CpuUsage { UsageNanoCores = new UInt64Value { Value = 5_000_000 } },
                Memory = new MemoryUsage { WorkingSetBytes = new UInt64Value { Value = 999 } },
            },
        };

        Assert.Equal(["nginx", "0123456789abc", "0.50", "999B"], Assert.Single(PodStatsCommand.Rows([stats], truncate: true)));
    }
}
