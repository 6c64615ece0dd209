using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Cgroups.V1;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Cgroups;

public sealed class CgroupV1SettingsTests
{
    [Fact]
    public void Map_puts_each_file_in_its_controller()
    {
        var settings = CgroupV1Settings.Map(new CgroupResources
        {
            CpuShares = 256, CpuPeriod = 100_000, CpuQuota = -5, CpusetCpus = "1", MemoryLimitBytes = 4096,
            MemorySwapLimitBytes = -1, PidsLimit = 10, HugepageLimits = new Dictionary<string, ulong> { ["1GB"] = 0 },
        });

        Assert.Equal(
            [
                ("cpu", "cpu.shares", "256"), ("cpu", "cpu.cfs_period_us", "100000"), ("cpu", "cpu.cfs_quota_us", "-1"),
                ("cpuset", "cpuset.cpus", "1"), ("memory", "memory.limit_in_bytes", "4096"),
                ("memory", "memory.memsw.limit_in_bytes", "-1"), ("pids", "pids.max", "10"),
                ("hugetlb", "hugetlb.1GB.limit_in_bytes", "0"),
            ],
            settings.Select(s => (s.Controller, s.File, s.Value)));
    }

    [Fact]
    public void Unified_resources_are_refused_on_v1() =>
        Assert.Throws<InvalidArgumentException>(() => CgroupV1Settings.Map(new CgroupResources
        {
            Unified = new Dictionary<string, string> { ["memory.high"] = "1" },
        }));
}
