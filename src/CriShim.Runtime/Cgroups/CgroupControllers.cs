namespace CriShim.Runtime.Cgroups;

/// <summary>
/// Which settings a host can take, decided as runc decides: a setting for a controller the host does not
/// have for the cgroup (v1: its hierarchy is not mounted; v2: the parent does not delegate it through
/// <c>cgroup.subtree_control</c>, or the kernel lacks it) is skipped, not an error. The kubelet sends
/// hugepage limits for every page size whatever the host has, so failing on them would fail every
/// container on a host without hugetlb. A setting whose controller is there is written, and a value the
/// kernel refuses still fails. Pure, so it is unit-tested.
/// </summary>
public static class CgroupControllers
{
    /// <summary>The controllers crishim writes limits for (v1 names; v2 calls the block controller io, which crishim does not set).</summary>
    public static IReadOnlyList<string> Limited { get; } = ["cpu", "cpuset", "memory", "pids", "hugetlb"];

    /// <summary>Splits settings into those to write and those whose controller <paramref name="available"/> lacks.</summary>
    public static (IReadOnlyList<CgroupSetting> Write, IReadOnlyList<CgroupSetting> Skip) Split(
        IEnumerable<CgroupSetting> settings, IReadOnlySet<string> available)
    {
        var write = new List<CgroupSetting>();
        var skip = new List<CgroupSetting>();
        foreach (var setting in settings)
        {
            (setting.Controller.Length == 0 || available.Contains(setting.Controller) ? write : skip).Add(setting);
        }
        return (write, skip);
    }

    /// <summary>The controllers of <see cref="Limited"/> that <paramref name="available"/> lacks, in that order.</summary>
    public static IReadOnlyList<string> Missing(IReadOnlySet<string> available) =>
        Limited.Where(c => !available.Contains(c)).ToList();

    /// <summary>A v2 <c>cgroup.controllers</c> or <c>cgroup.subtree_control</c> file's content as a set.</summary>
    public static IReadOnlySet<string> ParseList(string content) =>
        content.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>The v2 controller a file belongs to: the part of its name before the first dot (<c>hugetlb.2MB.max</c> is hugetlb's).</summary>
    public static string OfV2File(string file) => file.IndexOf('.') is var dot and > 0 ? file[..dot] : "";

    /// <summary>The start-up line about missing controllers, or null when the host has them all.</summary>
    public static string? Describe(CgroupVersion version, IReadOnlyList<string> missing) =>
        missing.Count == 0
            ? null
            : $"cgroup v{(int)version}: no {string.Join(", ", missing)} controller{(missing.Count > 1 ? "s" : "")} "
              + (version == CgroupVersion.V1 ? "mounted under the cgroup root" : "available at the cgroup root")
              + "; container limits for " + (missing.Count > 1 ? "them" : "it") + " are skipped, as runc does";
}
