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

    /// <summary>One value file of a cgroup directory, trimmed.</summary>
    public static string Read(string cgroup, string file) => File.ReadAllText(Path.Combine(cgroup, file)).Trim();

    /// <summary>A flat keyed file (cpu.stat, memory.stat, memory.events) as key to value.</summary>
    public static Dictionary<string, long> ReadKeyed(string cgroup, string file) =>
        File.ReadAllLines(Path.Combine(cgroup, file))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => long.Parse(p[1]));

    /// <summary>The cgroup directory of a host pid, from its <c>0::/path</c> line.</summary>
    public static string CgroupOf(int pid)
    {
        var line = File.ReadAllLines($"/proc/{pid}/cgroup").Single(l => l.StartsWith("0::", StringComparison.Ordinal));
        return Path.Combine(Root, line[3..].TrimStart('/'));
    }
}
