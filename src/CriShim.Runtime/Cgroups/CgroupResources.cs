using CriShim.Protocol.V1;

namespace CriShim.Runtime.Cgroups;

/// <summary>
/// Resource limits in CRI terms (v1-flavoured numbers, as the kubelet sends them); each manager maps
/// them to its own files. Zero means "not set"; -1 means "unlimited" where the kernel has a word for it.
/// </summary>
public sealed record CgroupResources
{
    public long CpuPeriod { get; init; }
    public long CpuQuota { get; init; }
    public long CpuShares { get; init; }
    public string CpusetCpus { get; init; } = "";
    public string CpusetMems { get; init; } = "";
    public long MemoryLimitBytes { get; init; }

    /// <summary>Memory plus swap, as in cgroup v1 and CRI.</summary>
    public long MemorySwapLimitBytes { get; init; }

    /// <summary>Limits by page size as the kernel names them (<c>2MB</c>, <c>1GB</c>).</summary>
    public IReadOnlyDictionary<string, ulong> HugepageLimits { get; init; } = new Dictionary<string, ulong>();

    /// <summary>Raw cgroup v2 files and values (CRI <c>unified</c>), written last.</summary>
    public IReadOnlyDictionary<string, string> Unified { get; init; } = new Dictionary<string, string>();

    public long PidsLimit { get; init; }

    public static CgroupResources From(LinuxContainerResources resources) => new()
    {
        CpuPeriod = resources.CpuPeriod,
        CpuQuota = resources.CpuQuota,
        CpuShares = resources.CpuShares,
        CpusetCpus = resources.CpusetCpus,
        CpusetMems = resources.CpusetMems,
        MemoryLimitBytes = resources.MemoryLimitInBytes,
        MemorySwapLimitBytes = resources.MemorySwapLimitInBytes,
        HugepageLimits = resources.HugepageLimits.ToDictionary(h => h.PageSize, h => h.Limit),
        Unified = resources.Unified.ToDictionary(u => u.Key, u => u.Value),
    };
}
