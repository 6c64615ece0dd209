namespace CriShim.VmTests;

/// <summary>What makes a host "pure cgroup v2": one cgroup2 mount at /sys/fs/cgroup and no v1 hierarchy.</summary>
internal static class CgroupV2Host
{
    public const string Root = "/sys/fs/cgroup";

    public static string? WhyNot()
    {
        var mounts = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).ToList();
        if (!mounts.Any(m => m[1] == Root && m[2] == "cgroup2"))
        {
            return $"{Root} is not a cgroup2 mount";
        }
        var v1 = mounts.FirstOrDefault(m => m[2] == "cgroup");
        return v1 is null ? null : $"a cgroup v1 hierarchy is mounted at {v1[1]}";
    }

    public static IReadOnlySet<string> EnabledControllers =>
        File.ReadAllText(Path.Combine(Root, "cgroup.subtree_control")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
}
