using System.Globalization;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Cgroups.V1;

/// <summary>Maps CRI resources to cgroup v1 files, each in its controller's hierarchy. Pure, so it is unit-tested.</summary>
public static class CgroupV1Settings
{
    public static IReadOnlyList<CgroupSetting> Map(CgroupResources r)
    {
        if (r.Unified.Count > 0)
        {
            throw new InvalidArgumentException("unified cgroup resources need a cgroup v2 host; this one uses cgroup v1");
        }
        var settings = new List<CgroupSetting>();
        if (r.CpuShares > 0)
        {
            settings.Add(new("cpu", "cpu.shares", Text(r.CpuShares)));
        }
        if (r.CpuPeriod > 0)
        {
            settings.Add(new("cpu", "cpu.cfs_period_us", Text(r.CpuPeriod)));
        }
        if (r.CpuQuota != 0)
        {
            settings.Add(new("cpu", "cpu.cfs_quota_us", Text(r.CpuQuota < 0 ? -1 : r.CpuQuota)));
        }
        if (r.CpusetCpus.Length > 0)
        {
            settings.Add(new("cpuset", "cpuset.cpus", r.CpusetCpus));
        }
        if (r.CpusetMems.Length > 0)
        {
            settings.Add(new("cpuset", "cpuset.mems", r.CpusetMems));
        }
        if (r.MemoryLimitBytes != 0)
        {
            settings.Add(new("memory", "memory.limit_in_bytes", Text(r.MemoryLimitBytes < 0 ? -1 : r.MemoryLimitBytes)));
        }
        if (r.MemorySwapLimitBytes != 0)
        {
            settings.Add(new("memory", "memory.memsw.limit_in_bytes", Text(r.MemorySwapLimitBytes < 0 ? -1 : r.MemorySwapLimitBytes)));
        }
        if (r.PidsLimit != 0)
        {
            settings.Add(new("pids", "pids.max", r.PidsLimit < 0 ? "max" : Text(r.PidsLimit)));
        }
        foreach (var (size, limit) in r.HugepageLimits.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            settings.Add(new("hugetlb", $"hugetlb.{size}.limit_in_bytes", limit.ToString(CultureInfo.InvariantCulture)));
        }
        return settings;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
