using CriShim.Contract;
using CriShim.Native;
using CriShim.Runtime.Cgroups;

namespace CriShim.Runtime.Tests.Fakes;

/// <summary>
/// Cgroups as directories under a scratch root, each with the <c>cgroup.procs</c> file the runtime writes its pids to:
/// what the container and sandbox services ask of the kernel, without root. Kill really kills the processes listed. Shared by the daemon
/// instances of one test, as the kernel's cgroups outlive a daemon restart.
/// </summary>
internal sealed class FakeCgroups(string root) : ICgroupManager
{
    public CgroupVersion Version => CgroupVersion.V2;

    public IReadOnlyList<string> MissingControllers => [];

    /// <summary>Every cgroup that exists now, as paths.</summary>
    public IReadOnlyList<string> Existing =>
        Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Select(d => d[root.Length..]).ToList();

    public IReadOnlyList<string> Create(string path)
    {
        var created = new List<string>();
        for (var p = path; p.Length > 1 && !Exists(p); p = p[..p.LastIndexOf('/')])
        {
            created.Insert(0, p);
        }
        Directory.CreateDirectory(DirectoryOf(path));
        foreach (var cgroup in created)
        {
            File.WriteAllText(ProcsFile(cgroup), "");
        }
        return created;
    }

    public bool Exists(string path) => Directory.Exists(DirectoryOf(path));

    public IReadOnlyList<CgroupPlacement> Placements(string path) => [new CgroupPlacement { Hierarchy = "", Directory = DirectoryOf(path) }];

    public IReadOnlyList<CgroupPlacement> ContainerView(string path) => Placements(path);

    public OomKillCounter? OomKillCounter(string path) => null;

    public void Apply(string path, CgroupResources resources)
    {
    }

    public CgroupStats? ReadStats(string path) => null;

    public int ProcessCount(string path) => Members(path).Count(p => p.IsAlive);

    public void RestrictDevices(string path, IReadOnlyList<DeviceRule> allowed)
    {
    }

    public void Kill(string path)
    {
        foreach (var process in Members(path))
        {
            Processes.Signal(process, Signals.SIGKILL);
            Processes.WaitForExit(process, TimeSpan.FromSeconds(5));
        }
    }

    public bool Remove(string path)
    {
        if (!Exists(path))
        {
            return true;
        }
        if (Directory.EnumerateDirectories(DirectoryOf(path)).Any())
        {
            return false;
        }
        Directory.Delete(DirectoryOf(path), recursive: true);
        return true;
    }

    private string DirectoryOf(string path) => root + path;

    private string ProcsFile(string path) => Path.Combine(DirectoryOf(path), CgroupFileNames.Procs);

    private IEnumerable<ProcessIdentity> Members(string path) =>
        File.Exists(ProcsFile(path))
            ? File.ReadAllLines(ProcsFile(path)).Where(l => l.Length > 0).Select(l => ProcessIdentity.Find(int.Parse(l))).OfType<ProcessIdentity>().ToList()
            : [];
}
