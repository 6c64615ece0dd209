using System.Globalization;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Cgroups.V2;

/// <summary>Maps CRI (v1-flavoured) resources to cgroup v2 files, as runc and crun do. Pure, so it is unit-tested.</summary>
public static class CgroupV2Settings
{
    public const long DefaultCpuPeriod = 100_000;

    public static IReadOnlyList<CgroupSetting> Map(CgroupResources r)
    {
        var settings = new List<CgroupSetting>();
        void Add(string file, string value) => settings.Add(new CgroupSetting(CgroupControllers.OfV2File(file), file, value));

        if (r.CpuShares > 0)
        {
            Add("cpu.weight", Text(CpuWeight(r.CpuShares)));
        }
        if (CpuMax(r.CpuQuota, r.CpuPeriod) is { } cpuMax)
        {
            Add("cpu.max", cpuMax);
        }
        if (r.CpusetCpus.Length > 0)
        {
            Add("cpuset.cpus", r.CpusetCpus);
        }
        if (r.CpusetMems.Length > 0)
        {
            Add("cpuset.mems", r.CpusetMems);
        }
        if (r.MemoryLimitBytes != 0)
        {
            Add("memory.max", Limit(r.MemoryLimitBytes));
        }
        if (SwapMax(r.MemorySwapLimitBytes, r.MemoryLimitBytes) is var swap and not 0)
        {
            Add("memory.swap.max", Limit(swap));
        }
        if (r.PidsLimit != 0)
        {
            Add("pids.max", Limit(r.PidsLimit));
        }
        foreach (var (size, limit) in r.HugepageLimits.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            Add($"hugetlb.{size}.max", limit.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var (file, value) in r.Unified.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            if (file.Contains('/') || file.StartsWith('.'))
            {
                throw new InvalidArgumentException($"unified cgroup key '{file}' is not a cgroup file name");
            }
            // Asked for by file name: written whatever the cgroup has, so a missing controller fails loudly.
            settings.Add(new CgroupSetting("", file, value));
        }
        return settings;
    }

    /// <summary>cpu.shares [2, 262144] onto cpu.weight [1, 10000].</summary>
    public static long CpuWeight(long shares)
    {
        var clamped = Math.Clamp(shares, 2, 262_144);
        return 1 + (clamped - 2) * 9999 / 262_142;
    }

    /// <summary><c>"quota period"</c>, <c>"max period"</c> for a negative quota, or null when neither is set.</summary>
    public static string? CpuMax(long quota, long period)
    {
        if (quota == 0 && period == 0)
        {
            return null;
        }
        var p = period > 0 ? period : DefaultCpuPeriod;
        return quota > 0 ? $"{Text(quota)} {Text(p)}" : $"max {Text(p)}";
    }

    /// <summary>
    /// v2 limits swap alone while CRI gives memory+swap: swap.max = memsw - memory; -1 stays unlimited;
    /// 0 means not set (but unlimited memory with unset swap makes swap unlimited too).
    /// </summary>
    public static long SwapMax(long memorySwap, long memory)
    {
        if (memory == -1 && memorySwap == 0)
        {
            return -1;
        }
        if (memorySwap is -1 or 0)
        {
            return memorySwap;
        }
        if (memory <= 0)
        {
            throw new InvalidArgumentException("a memory+swap limit needs a memory limit");
        }
        if (memorySwap < memory)
        {
            throw new InvalidArgumentException($"memory+swap limit {memorySwap} is below the memory limit {memory}");
        }
        return memorySwap - memory;
    }

    private static string Limit(long value) => value < 0 ? "max" : Text(value);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
