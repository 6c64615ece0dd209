using CriShim.Native;
using CriShim.Runtime.Cgroups.V1;
using CriShim.Runtime.Cgroups.V2;

namespace CriShim.Runtime.Cgroups;

/// <summary>Chooses the cgroup implementation once, from the file system type of <c>/sys/fs/cgroup</c>.</summary>
public static class CgroupHierarchy
{
    public const string DefaultRoot = "/sys/fs/cgroup";
    private const long Cgroup2SuperMagic = 0x63677270;

    public static ICgroupManager Detect(string root = DefaultRoot) =>
        Mounts.FileSystemType(root) == Cgroup2SuperMagic ? new CgroupV2Manager(root) : new CgroupV1Manager(root);
}
