using CriShim.Contract;
using CriShim.Native;
using CriShim.Runtime.Cgroups;

namespace CriShim.Runtime.Tests.Cgroups;

/// <summary>The container's /sys/fs/cgroup as the daemon plans it from its mount table and its own /proc/self/cgroup.</summary>
public sealed class CgroupViewTests
{
    private static readonly CgroupPlacement[] PureV2Placed = [new() { Hierarchy = "", Directory = "/sys/fs/cgroup/kubepods/pod1/crishim-c" }];

    [Fact]
    public void On_pure_v2_the_view_is_the_containers_own_cgroup()
    {
        var mounts = Table("30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate");

        var view = CgroupView.Plan(PureV2Placed, mounts, ["0::/system.slice/crishim.service"]);

        Assert.Equal(PureV2Placed, view);
    }

    [Fact]
    public void On_a_hybrid_host_the_hierarchies_crishim_does_not_manage_show_the_daemons_cgroup_in_the_tables_order()
    {
        var mounts = Table(
            "31 23 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate",
            "33 31 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct",
            "34 31 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory",
            "35 31 0:32 / /sys/fs/cgroup/rdma rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,rdma",
            "36 31 0:33 / /sys/fs/cgroup/misc rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,misc",
            "37 23 0:34 / /run/other-cgroup rw - cgroup cgroup rw,pids");
        var (unified, cpu, memory) = (Placed("unified"), Placed("cpu,cpuacct"), Placed("memory"));
        string[] memberships = ["12:rdma:/", "11:misc:/system.slice/crishim.service", "4:cpu,cpuacct:/system.slice/crishim.service", "3:memory:/system.slice/crishim.service", "0::/system.slice/crishim.service"];

        var view = CgroupView.Plan([cpu, memory, unified], mounts, memberships);

        Assert.Equal(
        [
            unified, cpu, memory,
            new CgroupPlacement { Hierarchy = "rdma", Directory = "/sys/fs/cgroup/rdma", Inherited = true },
            new CgroupPlacement { Hierarchy = "misc", Directory = "/sys/fs/cgroup/misc/system.slice/crishim.service", Inherited = true },
        ], view);
    }

    [Fact]
    public void A_hierarchy_mounted_from_below_its_root_shows_the_daemons_cgroup_relative_to_the_mount()
    {
        var mounts = Table(
            "31 23 0:28 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755",
            "32 31 0:29 /docker/abc /sys/fs/cgroup/net_cls,net_prio ro - cgroup cgroup rw,net_cls,net_prio",
            "33 31 0:30 /docker/abc /sys/fs/cgroup/perf_event ro - cgroup cgroup rw,perf_event");

        var view = CgroupView.Plan([], mounts, ["7:net_cls,net_prio:/docker/abc/sub", "6:perf_event:/docker/abc"]);

        Assert.Equal(
        [
            new CgroupPlacement { Hierarchy = "net_cls,net_prio", Directory = "/sys/fs/cgroup/net_cls,net_prio/sub", Inherited = true },
            new CgroupPlacement { Hierarchy = "perf_event", Directory = "/sys/fs/cgroup/perf_event", Inherited = true },
        ], view);
    }

    [Fact]
    public void A_hierarchy_the_daemon_is_in_no_cgroup_of_is_not_shown()
    {
        var mounts = Table(
            "31 23 0:28 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw");

        Assert.Empty(CgroupView.Plan([], mounts, ["1:name=systemd:/"]));
    }

    [Fact]
    public void On_this_host_the_view_has_every_mounted_hierarchy_once_the_managers_placements_among_them()
    {
        const string root = CgroupHierarchy.DefaultRoot;
        var hierarchies = MountTable.Read()
            .Where(m => m.FileSystemType is "cgroup" or "cgroup2" && (m.MountPoint == root || m.MountPoint.StartsWith(root + "/", StringComparison.Ordinal)))
            .Select(m => Path.GetRelativePath(root, m.MountPoint) is "." ? "" : Path.GetRelativePath(root, m.MountPoint))
            .Distinct();
        var cgroups = CgroupHierarchy.Detect();
        var placed = cgroups.Placements("/crishim-view-test");

        var view = cgroups.ContainerView("/crishim-view-test");

        Assert.Equal(hierarchies.Order(), view.Select(p => p.Hierarchy).Order());
        Assert.Subset(view.ToHashSet(), placed.ToHashSet());
        Assert.All(view.Except(placed), p => Assert.True(p.Inherited && Directory.Exists(p.Directory), p.Directory));
    }

    private static CgroupPlacement Placed(string hierarchy) => new() { Hierarchy = hierarchy, Directory = $"/sys/fs/cgroup/{hierarchy}/kubepods/crishim-c" };

    private static IReadOnlyList<MountTableEntry> Table(params string[] lines) => MountTable.Parse(lines);
}
