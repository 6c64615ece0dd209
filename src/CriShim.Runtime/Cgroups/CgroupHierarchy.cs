using CriShim.Native;
using CriShim.Runtime.Cgroups.V1;
using CriShim.Runtime.Cgroups.V2;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Cgroups;

/// <summary>Chooses the cgroup implementation once, from the file system type of <c>/sys/fs/cgroup</c>.</summary>
public static class CgroupHierarchy
{
    public const string DefaultRoot = "/sys/fs/cgroup";
    private const long Cgroup2SuperMagic = 0x63677270;

    public static ICgroupManager Detect(string root = DefaultRoot) =>
        Mounts.FileSystemType(root) == Cgroup2SuperMagic ? new CgroupV2Manager(root) : new CgroupV1Manager(root);

    /// <summary>Detects the hierarchy and says once which controllers the host lacks (their limits are skipped).</summary>
    public static ICgroupManager Detect(ILogger log, string root = DefaultRoot)
    {
        var manager = Detect(root);
        if (CgroupControllers.Describe(manager.Version, manager.MissingControllers) is { } missing)
        {
            log.LogWarning("{Missing}", missing);
        }
        return manager;
    }
}
