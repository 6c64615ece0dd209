using CriShim.Protocol.V1;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class PodCgroupResourcesTests
{
    [Fact]
    public void The_overhead_adds_to_every_limit_the_containers_set()
    {
        var resources = new LinuxContainerResources
        {
            CpuPeriod = 100_000, CpuQuota = 150_000, CpuShares = 1536, MemoryLimitInBytes = 256 << 20, CpusetCpus = "0-1",
            HugepageLimits = { new HugepageLimit { PageSize = "2MB", Limit = 4 << 20 } },
        };
        var overhead = new LinuxContainerResources
        {
            CpuPeriod = 50_000, CpuQuota = 10_000, CpuShares = 102, MemoryLimitInBytes = 16 << 20,
            HugepageLimits = { new HugepageLimit { PageSize = "2MB", Limit = 2 << 20 }, new HugepageLimit { PageSize = "1GB", Limit = 1 << 30 } },
        };

        var combined = PodCgroupResources.Combine(resources, overhead);

        Assert.Equal(100_000, combined.CpuPeriod);
        Assert.Equal(160_000, combined.CpuQuota);
        Assert.Equal(1638, combined.CpuShares);
        Assert.Equal(272L << 20, combined.MemoryLimitBytes);
        Assert.Equal("0-1", combined.CpusetCpus);
        Assert.Equal(new Dictionary<string, ulong> { ["2MB"] = 6 << 20 }, combined.HugepageLimits);
    }

    [Fact]
    public void A_limit_the_containers_leave_unset_stays_unlimited()
    {
        var combined = PodCgroupResources.Combine(new LinuxContainerResources { CpuShares = 2 }, new LinuxContainerResources { CpuQuota = 10_000, MemoryLimitInBytes = 1 << 20 });

        Assert.Equal((0L, 0L, 0L), (combined.CpuQuota, combined.MemoryLimitBytes, combined.CpuPeriod));
        Assert.Equal(2, combined.CpuShares);
    }

    [Fact]
    public void Overhead_alone_keeps_the_containers_limits_unset()
    {
        var combined = PodCgroupResources.Combine(null, new LinuxContainerResources { MemoryLimitInBytes = 1 << 20 });

        Assert.Equal(0, combined.MemoryLimitBytes);
    }
}
