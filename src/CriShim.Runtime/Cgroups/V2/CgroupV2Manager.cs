using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Runtime.Cgroups.V2;

/// <summary>The unified hierarchy: one tree, controllers delegated through each parent's <c>cgroup.subtree_control</c>.</summary>
public sealed class CgroupV2Manager(string root) : ICgroupManager
{
    private static readonly string[] Wanted = ["cpuset", "cpu", "io", "memory", "hugetlb", "pids"];

    private readonly CgroupView _view = new(root);

    public CgroupVersion Version => CgroupVersion.V2;

    public IReadOnlyList<string> MissingControllers =>
        CgroupControllers.Missing(CgroupControllers.ParseList(CgroupFiles.Read(root, "cgroup.controllers")));

    public IReadOnlyList<string> Create(string path)
    {
        var created = new List<string>();
        var parent = root;
        foreach (var level in CgroupPath.Lineage(path))
        {
            var directory = CgroupPath.In(root, level);
            if (!Directory.Exists(directory))
            {
                EnableControllers(parent);
                Directory.CreateDirectory(directory);
                created.Add(level);
            }
            parent = directory;
        }
        return created;
    }

    public bool Exists(string path) => Directory.Exists(CgroupPath.In(root, path));

    /// <summary>One tree, mounted at the root: the container's /sys/fs/cgroup is its own cgroup.</summary>
    public IReadOnlyList<CgroupPlacement> Placements(string path) => [new CgroupPlacement { Hierarchy = "", Directory = CgroupPath.In(root, path) }];

    public IReadOnlyList<CgroupPlacement> ContainerView(string path) => _view.Of(Placements(path));

    /// <summary>memory.events is there whenever the parent delegates the memory controller; without it nothing is counted.</summary>
    public OomKillCounter? OomKillCounter(string path) => new() { Directory = CgroupPath.In(root, path), Unified = true };

    public void Apply(string path, CgroupResources resources)
    {
        var directory = CgroupPath.In(root, path);
        // A cgroup's cgroup.controllers lists exactly what its parent's cgroup.subtree_control enables
        // (Create enabled every wanted one the parent had).
        var (write, _) = CgroupControllers.Split(CgroupV2Settings.Map(resources),
            CgroupControllers.ParseList(CgroupFiles.Read(directory, "cgroup.controllers")));
        foreach (var setting in write)
        {
            CgroupFiles.Write(directory, setting.File, setting.Value);
        }
    }

    public CgroupStats? ReadStats(string path)
    {
        try
        {
            return CgroupV2Stats.Read(CgroupPath.In(root, path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public int ProcessCount(string path) => CgroupFiles.CountProcesses(CgroupPath.In(root, path));

    /// <summary>v2 has no devices files: a BPF program attached to the cgroup decides (as runc and crun do).</summary>
    public void RestrictDevices(string path, IReadOnlyList<DeviceRule> allowed) =>
        DeviceFilterProgram.Attach(CgroupPath.In(root, path), DeviceFilter.Compile(allowed));

    public void Kill(string path)
    {
        var directory = CgroupPath.In(root, path);
        if (!Directory.Exists(directory))
        {
            return;
        }
        if (File.Exists(Path.Combine(directory, "cgroup.kill")))
        {
            CgroupFiles.Write(directory, "cgroup.kill", "1");
        }
        CgroupFiles.KillUntilEmpty(() => CgroupFiles.Pids(directory), TimeSpan.FromSeconds(5));
    }

    public bool Remove(string path)
    {
        var directory = CgroupPath.In(root, path);
        if (CgroupFiles.HasChildren(directory))
        {
            return false;
        }
        CgroupFiles.RemoveDirectory(directory, TimeSpan.FromSeconds(2));
        return true;
    }

    /// <summary>Delegates the wanted controllers the parent has to its children.</summary>
    private static void EnableControllers(string parent)
    {
        var available = CgroupFiles.Read(parent, "cgroup.controllers").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var enabled = CgroupFiles.Read(parent, "cgroup.subtree_control").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var missing = Wanted.Where(c => available.Contains(c) && !enabled.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            CgroupFiles.Write(parent, "cgroup.subtree_control", string.Join(' ', missing.Select(c => "+" + c)));
        }
    }
}
