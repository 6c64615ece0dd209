using CriShim.Contract;
using System.Diagnostics;
using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Cgroups.V1;

namespace CriShim.NativeTests.Cgroups;

/// <summary>The v1 manager on this host's real hierarchies, under a test parent of its own.</summary>
public sealed class CgroupV1ManagerTests
{
    [RootFact]
    public void Create_join_apply_kill_and_remove_a_real_cgroup()
    {
        Assert.Equal(CgroupVersion.V1, CgroupHierarchy.Detect().Version);
        var manager = new CgroupV1Manager(CgroupHierarchy.DefaultRoot);
        var root = $"/crishimtest-{Guid.NewGuid():N}"[..22];
        var path = $"{root}/podx/leaf";

        Assert.Equal([root, $"{root}/podx", path], manager.Create(path));
        Assert.Empty(manager.Create(path));
        foreach (var controller in new[] { "cpu", "memory", "pids", "cpuset", "freezer", "devices", "blkio" })
        {
            Assert.True(Directory.Exists($"/sys/fs/cgroup/{controller}{path}"), controller);
        }
        Assert.Equal(File.ReadAllText("/sys/fs/cgroup/cpuset/cpuset.cpus"), File.ReadAllText($"/sys/fs/cgroup/cpuset{path}/cpuset.cpus"));

        using var sleeper = Process.Start("sleep", "60");
        CgroupMembership.Join(manager.Placements(path), sleeper.Id);
        manager.Apply(path, new CgroupResources
        {
            CpuShares = 512, CpuPeriod = 100_000, CpuQuota = 50_000, MemoryLimitBytes = 64 * 1024 * 1024, PidsLimit = 32,
        });

        Assert.Contains($":memory:{path}\n", File.ReadAllText($"/proc/{sleeper.Id}/cgroup"));
        Assert.Equal("512", File.ReadAllText($"/sys/fs/cgroup/cpu{path}/cpu.shares").Trim());
        Assert.Equal("50000", File.ReadAllText($"/sys/fs/cgroup/cpu{path}/cpu.cfs_quota_us").Trim());
        Assert.Equal("67108864", File.ReadAllText($"/sys/fs/cgroup/memory{path}/memory.limit_in_bytes").Trim());
        Assert.Equal("32", File.ReadAllText($"/sys/fs/cgroup/pids{path}/pids.max").Trim());
        Assert.False(manager.Remove($"{root}/podx"));

        manager.Kill(path);
        Assert.True(sleeper.WaitForExit(5000));
        Assert.True(manager.Remove(path));
        Assert.True(manager.Remove($"{root}/podx"));
        Assert.True(manager.Remove(root));
        Assert.True(manager.Remove(root));
        Assert.False(manager.Exists(root));
    }
}
