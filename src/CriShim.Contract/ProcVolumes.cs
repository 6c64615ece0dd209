namespace CriShim.Contract;

/// <summary>
/// Where under /proc a CRI mount may go: nowhere but the files lxcfs provides, as runc allows. A volume
/// anywhere else in /proc would shadow what the kernel reports (a fake /proc/sys/kernel/cap_last_cap, a
/// /proc/self of its own). The daemon refuses such mounts; the helper checks again where a path lands.
/// </summary>
public static class ProcVolumes
{
    private static readonly HashSet<string> LxcfsFiles = new(StringComparer.Ordinal)
    {
        "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/uptime", "/proc/loadavg", "/proc/diskstats", "/proc/swaps", "/proc/slabinfo",
    };

    /// <summary>True when the absolute, normalized container path is /proc or lies in it.</summary>
    public static bool IsInProc(string containerPath) =>
        containerPath == "/proc" || containerPath.StartsWith("/proc/", StringComparison.Ordinal);

    /// <summary>True for the absolute, normalized container paths under /proc that a volume may cover.</summary>
    public static bool IsAllowed(string containerPath) => LxcfsFiles.Contains(containerPath);
}
