namespace CriShim.Runtime.Cgroups.V1;

/// <summary>
/// Builds <see cref="CgroupStats"/> from cgroup v1 files. The <c>total_*</c> memory.stat entries include
/// descendant cgroups (as cAdvisor reads them). Parsing is pure, so it is unit-tested on sample contents.
/// </summary>
public static class CgroupV1Stats
{
    /// <summary>
    /// "No limit" is LONG_MAX rounded down to a page (9223372036854771712 with 4 KiB pages); anything this
    /// large cannot be a real limit, whatever the page size.
    /// </summary>
    private const ulong Unlimited = long.MaxValue / 2;

    /// <param name="cpuacctUsage">cpuacct.usage (nanoseconds)</param>
    /// <param name="memoryStat">memory.stat</param>
    /// <param name="memoryUsage">memory.usage_in_bytes</param>
    /// <param name="memoryLimit">memory.limit_in_bytes</param>
    /// <param name="memswUsage">memory.memsw.usage_in_bytes; null without swap accounting</param>
    /// <param name="memswLimit">memory.memsw.limit_in_bytes; null without swap accounting</param>
    public static CgroupStats Parse(string cpuacctUsage, string memoryStat, string memoryUsage, string memoryLimit, string? memswUsage, string? memswLimit)
    {
        var stat = CgroupStats.ParseKeyed(memoryStat);
        var usage = CgroupStats.ParseValue(memoryUsage);
        var limit = Limit(memoryLimit);
        var memswLimitValue = memswLimit is null ? null : Limit(memswLimit);
        return new CgroupStats
        {
            CpuUsageNanoseconds = CgroupStats.ParseValue(cpuacctUsage),
            MemoryUsageBytes = usage,
            WorkingSetBytes = CgroupStats.Difference(usage, stat.GetValueOrDefault("total_inactive_file")),
            RssBytes = stat.GetValueOrDefault("total_rss"),
            PageFaults = stat.GetValueOrDefault("total_pgfault"),
            MajorPageFaults = stat.GetValueOrDefault("total_pgmajfault"),
            MemoryLimitBytes = limit,
            SwapUsageBytes = memswUsage is null ? null : CgroupStats.Difference(CgroupStats.ParseValue(memswUsage), usage),
            // memsw limits memory plus swap; the swap alone is what it allows beyond the memory limit.
            SwapLimitBytes = memswLimitValue is { } both && limit is { } memory ? CgroupStats.Difference(both, memory) : null,
        };
    }

    /// <summary>Reads the stats of a cgroup from its cpuacct and memory directories.</summary>
    public static CgroupStats Read(string cpuacctDirectory, string memoryDirectory)
    {
        string? Optional(string file) =>
            File.Exists(Path.Combine(memoryDirectory, file)) ? CgroupFiles.Read(memoryDirectory, file) : null;

        return Parse(
            CgroupFiles.Read(cpuacctDirectory, "cpuacct.usage"),
            File.ReadAllText(Path.Combine(memoryDirectory, "memory.stat")),
            CgroupFiles.Read(memoryDirectory, "memory.usage_in_bytes"),
            CgroupFiles.Read(memoryDirectory, "memory.limit_in_bytes"),
            Optional("memory.memsw.usage_in_bytes"),
            Optional("memory.memsw.limit_in_bytes"));
    }

    /// <summary>
    /// Adds the pressure files of the same cgroup in a hybrid host's <c>unified</c> hierarchy: the kernel keeps PSI for
    /// every v2 cgroup, with or without controllers, and the cgroup there holds the same processes.
    /// </summary>
    public static CgroupStats WithPressure(CgroupStats stats, string unifiedDirectory)
    {
        PressureStats? Pressure(string file) =>
            File.Exists(Path.Combine(unifiedDirectory, file)) ? PressureStats.Parse(CgroupFiles.Read(unifiedDirectory, file)) : null;

        return stats with { CpuPressure = Pressure("cpu.pressure"), MemoryPressure = Pressure("memory.pressure"), IoPressure = Pressure("io.pressure") };
    }

    private static ulong? Limit(string text) => CgroupStats.ParseValue(text) is var value && value < Unlimited ? value : null;
}
