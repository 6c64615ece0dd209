namespace CriShim.Runtime.Cgroups.V2;

/// <summary>
/// Builds <see cref="CgroupStats"/> from unified-hierarchy files (memory.stat of v2 is hierarchical already).
/// Parsing is pure, so it is unit-tested on sample contents.
/// </summary>
public static class CgroupV2Stats
{
    /// <param name="cpuStat">cpu.stat</param>
    /// <param name="memoryStat">memory.stat</param>
    /// <param name="memoryCurrent">memory.current</param>
    /// <param name="memoryMax">memory.max ("max" when unlimited)</param>
    /// <param name="swapCurrent">memory.swap.current; null when the kernel has no swap accounting</param>
    /// <param name="swapMax">memory.swap.max; null when the kernel has no swap accounting</param>
    /// <param name="pressure">cpu.pressure, memory.pressure and io.pressure; null where a file is missing (a kernel without PSI)</param>
    public static CgroupStats Parse(string cpuStat, string memoryStat, string memoryCurrent, string memoryMax, string? swapCurrent, string? swapMax,
        (string? Cpu, string? Memory, string? Io) pressure = default)
    {
        var cpu = CgroupStats.ParseKeyed(cpuStat);
        var stat = CgroupStats.ParseKeyed(memoryStat);
        var usage = CgroupStats.ParseValue(memoryCurrent);
        return new CgroupStats
        {
            CpuUsageNanoseconds = cpu.GetValueOrDefault("usage_usec") * 1000,
            MemoryUsageBytes = usage,
            WorkingSetBytes = CgroupStats.Difference(usage, stat.GetValueOrDefault("inactive_file")),
            RssBytes = stat.GetValueOrDefault("anon"),
            PageFaults = stat.GetValueOrDefault("pgfault"),
            MajorPageFaults = stat.GetValueOrDefault("pgmajfault"),
            MemoryLimitBytes = Limit(memoryMax),
            SwapUsageBytes = swapCurrent is null ? null : CgroupStats.ParseValue(swapCurrent),
            SwapLimitBytes = swapMax is null ? null : Limit(swapMax),
            CpuPressure = pressure.Cpu is null ? null : PressureStats.Parse(pressure.Cpu),
            MemoryPressure = pressure.Memory is null ? null : PressureStats.Parse(pressure.Memory),
            IoPressure = pressure.Io is null ? null : PressureStats.Parse(pressure.Io),
        };
    }

    public static CgroupStats Read(string directory)
    {
        string? Optional(string file) =>
            File.Exists(Path.Combine(directory, file)) ? CgroupFiles.Read(directory, file) : null;

        // Without the memory controller delegated, memory.* files are absent: report no memory use rather than fail.
        return Parse(
            CgroupFiles.Read(directory, "cpu.stat"),
            Optional("memory.stat") ?? "",
            Optional("memory.current") ?? "0",
            Optional("memory.max") ?? "max",
            Optional("memory.swap.current"),
            Optional("memory.swap.max"),
            (Optional("cpu.pressure"), Optional("memory.pressure"), Optional("io.pressure")));
    }

    private static ulong? Limit(string text) => text.Trim() == "max" ? null : CgroupStats.ParseValue(text);
}
