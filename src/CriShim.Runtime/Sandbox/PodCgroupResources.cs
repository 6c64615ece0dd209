using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// The limits of a pod's cgroup from <c>UpdatePodSandboxResources</c>: the sum of its containers' resources plus the
/// RuntimeClass overhead, as the kubelet sizes a <c>pod&lt;uid&gt;</c> cgroup. A limit the containers leave unset
/// (0: unlimited) stays unset whatever the overhead says.
/// </summary>
public static class PodCgroupResources
{
    public static CgroupResources Combine(LinuxContainerResources? resources, LinuxContainerResources? overhead)
    {
        resources ??= new LinuxContainerResources();
        overhead ??= new LinuxContainerResources();
        static long Add(long total, long extra) => total > 0 ? total + Math.Max(extra, 0) : total;
        var hugepages = resources.HugepageLimits.ToDictionary(h => h.PageSize, h => h.Limit);
        foreach (var extra in overhead.HugepageLimits.Where(h => hugepages.ContainsKey(h.PageSize)))
        {
            hugepages[extra.PageSize] += extra.Limit;
        }
        return new CgroupResources
        {
            CpuPeriod = resources.CpuPeriod > 0 ? resources.CpuPeriod : overhead.CpuPeriod,
            CpuQuota = Add(resources.CpuQuota, overhead.CpuQuota),
            CpuShares = Add(resources.CpuShares, overhead.CpuShares),
            CpusetCpus = resources.CpusetCpus,
            CpusetMems = resources.CpusetMems,
            MemoryLimitBytes = Add(resources.MemoryLimitInBytes, overhead.MemoryLimitInBytes),
            MemorySwapLimitBytes = Add(resources.MemorySwapLimitInBytes, overhead.MemorySwapLimitInBytes),
            HugepageLimits = hugepages,
            Unified = resources.Unified.ToDictionary(u => u.Key, u => u.Value),
        };
    }
}
