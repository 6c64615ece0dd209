using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 (and the v1 side of a hybrid host): the same path is created in every controller's
/// hierarchy under the root (plus <c>name=systemd</c> and the hybrid <c>unified</c> mount when present).
/// </summary>
public sealed class CgroupV1Manager : ICgroupManager
{
    private static readonly string[] Known =
        ["cpu", "cpuacct", "cpuset", "memory", "pids", "hugetlb", "blkio", "devices", "freezer", "net_cls", "net_prio", "perf_event", "systemd", "unified"];

    private readonly string _root;
    private readonly CgroupView _view;

    /// <summary>
    /// Hierarchy mount points by controller name, symlinks resolved: co-mounted controllers share one
    /// (cpu and cpuacct are /sys/fs/cgroup/cpu,cpuacct).
    /// </summary>
    private readonly IReadOnlyDictionary<string, string> _mounts;

    public CgroupV1Manager(string root)
    {
        _root = root;
        _view = new CgroupView(root);
        _mounts = Known
            .Select(c => (Controller: c, Directory: Path.Combine(root, c)))
            .Where(m => Directory.Exists(m.Directory) && Mounts.FileSystemType(m.Directory) != Mounts.FileSystemType(root))
            .ToDictionary(m => m.Controller, m => new DirectoryInfo(m.Directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? m.Directory);
    }

    public CgroupVersion Version => CgroupVersion.V1;

    public IReadOnlyList<string> MissingControllers => CgroupControllers.Missing(_mounts.Keys.ToHashSet());

    private IEnumerable<string> Hierarchies => _mounts.Values.Distinct();

    public IReadOnlyList<string> Create(string path)
    {
        var created = new List<string>();
        foreach (var level in CgroupPath.Lineage(path))
        {
            var isNew = false;
            foreach (var mount in Hierarchies)
            {
                var directory = CgroupPath.In(mount, level);
                if (Directory.Exists(directory))
                {
                    continue;
                }
                Directory.CreateDirectory(directory);
                isNew = true;
                if (mount == _mounts.GetValueOrDefault("cpuset"))
                {
                    InheritCpuset(directory);
                }
            }
            if (isNew)
            {
                created.Add(level);
            }
        }
        return created;
    }

    public bool Exists(string path) => Hierarchies.Any(m => Directory.Exists(CgroupPath.In(m, path)));

    public IReadOnlyList<CgroupPlacement> Placements(string path) =>
        Hierarchies.Select(m => new CgroupPlacement { Hierarchy = Path.GetRelativePath(_root, m), Directory = CgroupPath.In(m, path) }).ToList();

    public IReadOnlyList<CgroupPlacement> ContainerView(string path) => _view.Of(Placements(path));

    public OomKillCounter? OomKillCounter(string path) =>
        _mounts.TryGetValue("memory", out var memory) ? new OomKillCounter { Directory = CgroupPath.In(memory, path), Unified = false } : null;

    public void Apply(string path, CgroupResources resources)
    {
        // A hybrid host (hugetlb only in the cgroup2 at /sys/fs/cgroup/unified) has no hierarchy for some limits.
        var (write, _) = CgroupControllers.Split(CgroupV1Settings.Map(resources), _mounts.Keys.ToHashSet());
        foreach (var setting in write)
        {
            Write(path, setting);
        }
    }

    public CgroupStats? ReadStats(string path)
    {
        if (!_mounts.TryGetValue("cpuacct", out var cpuacct) || !_mounts.TryGetValue("memory", out var memory))
        {
            throw new IOException("cgroup v1 controllers 'cpuacct' and 'memory' must be mounted under the cgroup root to report container stats");
        }
        try
        {
            var stats = CgroupV1Stats.Read(CgroupPath.In(cpuacct, path), CgroupPath.In(memory, path));
            return _mounts.TryGetValue("unified", out var unified) ? CgroupV1Stats.WithPressure(stats, CgroupPath.In(unified, path)) : stats;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Any hierarchy has every process; pids is the one kubelet reads, memory the one every host mounts.</summary>
    public int ProcessCount(string path) =>
        (_mounts.GetValueOrDefault("pids") ?? _mounts.GetValueOrDefault("memory")) is { } mount
            ? CgroupFiles.CountProcesses(CgroupPath.In(mount, path))
            : 0;

    public void RestrictDevices(string path, IReadOnlyList<DeviceRule> allowed)
    {
        foreach (var setting in CgroupV1Devices.Map(allowed))
        {
            Write(path, setting);
        }
    }

    /// <summary>Device rules (<see cref="RestrictDevices"/>) are a boundary, not a limit: no devices hierarchy is an error.</summary>
    private void Write(string path, CgroupSetting setting)
    {
        if (!_mounts.TryGetValue(setting.Controller, out var mount))
        {
            throw new IOException($"cgroup v1 controller '{setting.Controller}' is not mounted under the cgroup root, needed for {setting.File}");
        }
        var directory = CgroupPath.In(mount, path);
        // memsw only exists with swap accounting on; without it there is no swap limit to set.
        if (setting.File == "memory.memsw.limit_in_bytes" && !File.Exists(Path.Combine(directory, setting.File)))
        {
            return;
        }
        CgroupFiles.Write(directory, setting.File, setting.Value);
    }

    public void Kill(string path)
    {
        var directories = Hierarchies.Select(m => CgroupPath.In(m, path)).Where(Directory.Exists).ToList();
        CgroupFiles.KillUntilEmpty(() => directories.SelectMany(CgroupFiles.Pids).Distinct().ToList(), TimeSpan.FromSeconds(5));
    }

    public bool Remove(string path)
    {
        var directories = Hierarchies.Select(m => CgroupPath.In(m, path)).ToList();
        if (directories.Any(CgroupFiles.HasChildren))
        {
            return false;
        }
        foreach (var directory in directories)
        {
            CgroupFiles.RemoveDirectory(directory, TimeSpan.FromSeconds(2));
        }
        return true;
    }

    /// <summary>A new v1 cpuset starts with no CPUs or memory nodes; it takes its parent's, or no task may join.</summary>
    private static void InheritCpuset(string directory)
    {
        var parent = Path.GetDirectoryName(directory)!;
        foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
        {
            if (CgroupFiles.Read(directory, file).Length == 0)
            {
                CgroupFiles.Write(directory, file, CgroupFiles.Read(parent, file));
            }
        }
    }
}
