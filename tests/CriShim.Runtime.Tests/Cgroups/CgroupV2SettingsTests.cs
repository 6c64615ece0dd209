using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Cgroups.V2;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Cgroups;

public sealed class CgroupV2SettingsTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(1024, 39)]
    [InlineData(262_144, 10_000)]
    [InlineData(1, 1)]
    [InlineData(1_000_000, 10_000)]
    public void Cpu_shares_map_onto_cpu_weight(long shares, long weight) =>
        Assert.Equal(weight, CgroupV2Settings.CpuWeight(shares));

    [Theory]
    [InlineData(50_000, 100_000, "50000 100000")]
    [InlineData(50_000, 0, "50000 100000")]
    [InlineData(-1, 100_000, "max 100000")]
    [InlineData(0, 50_000, "max 50000")]
    [InlineData(0, 0, null)]
    public void Quota_and_period_become_cpu_max(long quota, long period, string? expected) =>
        Assert.Equal(expected, CgroupV2Settings.CpuMax(quota, period));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, -1, -1)]
    [InlineData(-1, 1000, -1)]
    [InlineData(3000, 1000, 2000)]
    [InlineData(1000, 1000, 0)]
    public void Memory_plus_swap_becomes_swap_alone(long memorySwap, long memory, long swap) =>
        Assert.Equal(swap, CgroupV2Settings.SwapMax(memorySwap, memory));

    [Fact]
    public void Swap_below_memory_or_without_memory_is_invalid()
    {
        Assert.Throws<InvalidArgumentException>(() => CgroupV2Settings.SwapMax(500, 1000));
        Assert.Throws<InvalidArgumentException>(() => CgroupV2Settings.SwapMax(500, 0));
    }

    [Fact]
    public void Map_writes_each_set_resource_once_and_unified_last()
    {
        var settings = CgroupV2Settings.Map(new CgroupResources
        {
            CpuShares = 1024,
            CpuQuota = 20_000,
            CpuPeriod = 100_000,
            CpusetCpus = "0-1",
            CpusetMems = "0",
            MemoryLimitBytes = 1 << 20,
            MemorySwapLimitBytes = 2 << 20,
            PidsLimit = -1,
            HugepageLimits = new Dictionary<string, ulong> { ["2MB"] = 4 << 20 },
            Unified = new Dictionary<string, string> { ["memory.high"] = "900000" },
        });

        Assert.Equal(
            [
                ("cpu.weight", "39"), ("cpu.max", "20000 100000"), ("cpuset.cpus", "0-1"), ("cpuset.mems", "0"),
                ("memory.max", "1048576"), ("memory.swap.max", "1048576"), ("pids.max", "max"),
                ("hugetlb.2MB.max", "4194304"), ("memory.high", "900000"),
            ],
            settings.Select(s => (s.File, s.Value)));
    }

    [Fact]
    public void Nothing_set_writes_nothing_and_unlimited_memory_makes_swap_unlimited()
    {
        Assert.Empty(CgroupV2Settings.Map(new CgroupResources()));
        Assert.Equal(
            [("memory.max", "max"), ("memory.swap.max", "max")],
            CgroupV2Settings.Map(new CgroupResources { MemoryLimitBytes = -1 }).Select(s => (s.File, s.Value)));
    }

    [Fact]
    public void A_unified_key_that_is_not_a_file_name_is_invalid() =>
        Assert.Throws<InvalidArgumentException>(() => CgroupV2Settings.Map(new CgroupResources
        {
            Unified = new Dictionary<string, string> { ["../../etc/passwd"] = "x" },
        }));
}
