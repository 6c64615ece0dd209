using System.Globalization;

namespace CriShim.Runtime.Cgroups;

/// <summary>
/// Resource usage of one cgroup at one moment, in the terms the CRI reports (cAdvisor's definitions):
/// the working set is usage minus inactive file cache, what the kernel cannot reclaim easily.
/// </summary>
public sealed record CgroupStats
{
    /// <summary>All zero: a cgroup that has no processes yet or no longer exists.</summary>
    public static readonly CgroupStats Empty = new();

    public ulong CpuUsageNanoseconds { get; init; }
    public ulong MemoryUsageBytes { get; init; }
    public ulong WorkingSetBytes { get; init; }
    public ulong RssBytes { get; init; }
    public ulong PageFaults { get; init; }
    public ulong MajorPageFaults { get; init; }

    /// <summary>The memory limit; null when there is none.</summary>
    public ulong? MemoryLimitBytes { get; init; }

    /// <summary>Swap in use; null when the kernel does not account swap for the cgroup.</summary>
    public ulong? SwapUsageBytes { get; init; }

    /// <summary>The swap limit (swap alone, without memory); null when there is none.</summary>
    public ulong? SwapLimitBytes { get; init; }

    /// <summary>Pressure stall information of <c>cpu.pressure</c>, <c>memory.pressure</c> and <c>io.pressure</c>; null where the hierarchy has none (cgroup v1).</summary>
    public PressureStats? CpuPressure { get; init; }
    public PressureStats? MemoryPressure { get; init; }
    public PressureStats? IoPressure { get; init; }

    /// <summary>What the cgroup may still use before hitting its memory limit; null without a limit.</summary>
    public ulong? AvailableBytes => MemoryLimitBytes is { } limit ? Difference(limit, WorkingSetBytes) : null;

    public ulong? SwapAvailableBytes => SwapLimitBytes is { } limit ? Difference(limit, SwapUsageBytes ?? 0) : null;

    /// <summary>
    /// The use of several cgroups together (a pod that shares its cgroup parent with other pods): counters add
    /// up; limits and stall shares are unknown.
    /// </summary>
    public static CgroupStats Sum(IEnumerable<CgroupStats> parts) => parts.Aggregate(Empty, (total, part) => new CgroupStats
    {
        CpuUsageNanoseconds = total.CpuUsageNanoseconds + part.CpuUsageNanoseconds,
        MemoryUsageBytes = total.MemoryUsageBytes + part.MemoryUsageBytes,
        WorkingSetBytes = total.WorkingSetBytes + part.WorkingSetBytes,
        RssBytes = total.RssBytes + part.RssBytes,
        PageFaults = total.PageFaults + part.PageFaults,
        MajorPageFaults = total.MajorPageFaults + part.MajorPageFaults,
        SwapUsageBytes = part.SwapUsageBytes is { } swap ? (total.SwapUsageBytes ?? 0) + swap : total.SwapUsageBytes,
    });

    /// <summary><paramref name="a"/> - <paramref name="b"/>, never below zero (counters are read at slightly different moments).</summary>
    public static ulong Difference(ulong a, ulong b) => a > b ? a - b : 0;

    /// <summary>Parses a flat keyed file such as <c>memory.stat</c> or <c>cpu.stat</c>: one "key value" pair a line.</summary>
    public static IReadOnlyDictionary<string, ulong> ParseKeyed(string text)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[parts[0]] = value;
            }
        }
        return values;
    }

    /// <summary>A single-number file such as <c>memory.usage_in_bytes</c>.</summary>
    public static ulong ParseValue(string text) => ulong.Parse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
