using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Cgroups.V1;
using CriShim.Runtime.Cgroups.V2;

namespace CriShim.Runtime.Tests.Cgroups;

/// <summary>The v1 and v2 stats parsers on file contents as the kernel writes them.</summary>
public sealed class CgroupStatsTests
{
    private const string V1MemoryStat = """
        cache 4096000
        rss 1000
        inactive_file 5
        pgfault 7
        hierarchical_memory_limit 9223372036854771712
        total_cache 40960000
        total_rss 31457280
        total_pgfault 9000
        total_pgmajfault 12
        total_inactive_anon 0
        total_inactive_file 8192000
        total_active_file 100
        """;

    private const string V2MemoryStat = """
        anon 31457280
        file 40960000
        kernel 262144
        inactive_anon 0
        active_anon 31457280
        inactive_file 8192000
        active_file 32768000
        pgfault 9000
        pgmajfault 12
        """;

    private const string V2CpuStat = """
        usage_usec 2500123
        user_usec 2000000
        system_usec 500123
        nr_periods 10
        nr_throttled 4
        throttled_usec 150000
        """;

    [Fact]
    public void V1_reads_hierarchical_totals_and_subtracts_inactive_file_for_the_working_set()
    {
        var stats = CgroupV1Stats.Parse("2500123000\n", V1MemoryStat, "80000000\n", "104857600\n", "80004096\n", "209715200\n");

        Assert.Equal(2_500_123_000UL, stats.CpuUsageNanoseconds);
        Assert.Equal(80_000_000UL, stats.MemoryUsageBytes);
        Assert.Equal(80_000_000UL - 8_192_000, stats.WorkingSetBytes);
        Assert.Equal(31_457_280UL, stats.RssBytes);
        Assert.Equal((9000UL, 12UL), (stats.PageFaults, stats.MajorPageFaults));
        Assert.Equal(104_857_600UL, stats.MemoryLimitBytes);
        Assert.Equal(104_857_600UL - (80_000_000 - 8_192_000), stats.AvailableBytes);
        Assert.Equal(4096UL, stats.SwapUsageBytes);
        Assert.Equal(209_715_200UL - 104_857_600, stats.SwapLimitBytes);
        Assert.Equal(104_857_600UL - 4096, stats.SwapAvailableBytes);
    }

    [Fact]
    public void V1_page_rounded_long_max_is_no_limit_and_missing_memsw_is_no_swap_accounting()
    {
        var stats = CgroupV1Stats.Parse("0", V1MemoryStat, "80000000", "9223372036854771712", null, null);

        Assert.Null(stats.MemoryLimitBytes);
        Assert.Null(stats.AvailableBytes);
        Assert.Null(stats.SwapUsageBytes);
        Assert.Null(stats.SwapAvailableBytes);
    }

    [Fact]
    public void V2_converts_usage_usec_to_nanoseconds_and_uses_anon_as_rss()
    {
        var stats = CgroupV2Stats.Parse(V2CpuStat, V2MemoryStat, "80000000\n", "104857600\n", "4096\n", "max\n");

        Assert.Equal(2_500_123_000UL, stats.CpuUsageNanoseconds);
        Assert.Equal(80_000_000UL, stats.MemoryUsageBytes);
        Assert.Equal(80_000_000UL - 8_192_000, stats.WorkingSetBytes);
        Assert.Equal(31_457_280UL, stats.RssBytes);
        Assert.Equal((9000UL, 12UL), (stats.PageFaults, stats.MajorPageFaults));
        Assert.Equal(104_857_600UL - (80_000_000 - 8_192_000), stats.AvailableBytes);
        Assert.Equal(4096UL, stats.SwapUsageBytes);
        Assert.Null(stats.SwapAvailableBytes);
    }

    [Fact]
    public void V2_max_is_no_limit_and_a_swap_limit_gives_swap_available()
    {
        var stats = CgroupV2Stats.Parse(V2CpuStat, V2MemoryStat, "80000000", "max", "1000", "5000");

        Assert.Null(stats.MemoryLimitBytes);
        Assert.Null(stats.AvailableBytes);
        Assert.Equal(4000UL, stats.SwapAvailableBytes);
    }

    [Fact]
    public void Working_set_and_available_never_go_below_zero()
    {
        // inactive_file and usage are read at different moments; the working set must not wrap around.
        var stats = CgroupV2Stats.Parse(V2CpuStat, "inactive_file 9000\n", "8000", "4000", null, null);

        Assert.Equal(0UL, stats.WorkingSetBytes);
        Assert.Equal(4000UL, stats.AvailableBytes);
        Assert.Equal(0UL, CgroupV2Stats.Parse(V2CpuStat, "", "8000", "4000", null, null).AvailableBytes);
    }

    [Fact]
    public void Keyed_files_ignore_lines_that_are_not_key_and_number()
    {
        var values = CgroupStats.ParseKeyed("a 1\nbroken\nb x\n c  2 \n");

        Assert.Equal(new Dictionary<string, ulong> { ["a"] = 1, ["c"] = 2 }, values);
    }

    [Fact]
    public void A_sum_adds_the_counters_and_knows_no_limit()
    {
        var a = new CgroupStats { CpuUsageNanoseconds = 1, MemoryUsageBytes = 10, WorkingSetBytes = 5, RssBytes = 3, PageFaults = 7, MajorPageFaults = 1, MemoryLimitBytes = 100, SwapUsageBytes = 2 };
        var b = new CgroupStats { CpuUsageNanoseconds = 2, MemoryUsageBytes = 20, WorkingSetBytes = 15, RssBytes = 4, PageFaults = 1, MajorPageFaults = 0, MemoryLimitBytes = 50 };

        var sum = CgroupStats.Sum([a, b]);

        Assert.Equal(new CgroupStats { CpuUsageNanoseconds = 3, MemoryUsageBytes = 30, WorkingSetBytes = 20, RssBytes = 7, PageFaults = 8, MajorPageFaults = 1, SwapUsageBytes = 2 }, sum);
        Assert.Null(sum.AvailableBytes);
        Assert.Equal(CgroupStats.Empty, CgroupStats.Sum([]));
    }
}
