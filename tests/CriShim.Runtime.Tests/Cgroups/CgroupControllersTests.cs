using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Cgroups.V1;
using CriShim.Runtime.Cgroups.V2;

namespace CriShim.Runtime.Tests.Cgroups;

/// <summary>Which limits a host without some controllers takes: the runc rule, on both versions.</summary>
public sealed class CgroupControllersTests
{
    private static readonly CgroupResources KubeletLimits = new()
    {
        CpuShares = 102, CpuPeriod = 100_000, CpuQuota = 50_000, MemoryLimitBytes = 64 << 20,
        HugepageLimits = new Dictionary<string, ulong> { ["2MB"] = 0, ["1GB"] = 0 },
    };

    [Fact]
    public void On_a_v1_host_without_a_hugetlb_hierarchy_the_hugepage_limits_are_skipped_and_the_rest_written()
    {
        var mounted = new HashSet<string> { "cpu", "cpuacct", "cpuset", "memory", "pids", "devices", "systemd", "unified" };

        var (write, skip) = CgroupControllers.Split(CgroupV1Settings.Map(KubeletLimits), mounted);

        Assert.Equal(["cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "memory.limit_in_bytes"], write.Select(s => s.File));
        Assert.Equal(["hugetlb.1GB.limit_in_bytes", "hugetlb.2MB.limit_in_bytes"], skip.Select(s => s.File));
        Assert.Equal(["hugetlb"], CgroupControllers.Missing(mounted));
    }

    [Fact]
    public void On_v2_a_controller_the_parent_does_not_delegate_is_skipped()
    {
        var delegated = CgroupControllers.ParseList("cpuset cpu io memory pids\n");

        var (write, skip) = CgroupControllers.Split(CgroupV2Settings.Map(KubeletLimits with { PidsLimit = 100 }), delegated);

        Assert.Equal(["cpu.weight", "cpu.max", "memory.max", "pids.max"], write.Select(s => s.File));
        Assert.Equal(["hugetlb.1GB.max", "hugetlb.2MB.max"], skip.Select(s => s.File));
    }

    [Fact]
    public void Every_mapped_v2_file_names_its_controller_and_unified_keys_none()
    {
        var settings = CgroupV2Settings.Map(KubeletLimits with
        {
            CpusetCpus = "0", PidsLimit = 5, Unified = new Dictionary<string, string> { ["memory.high"] = "1000" },
        });

        Assert.Equal(
            [
                ("cpu", "cpu.weight"), ("cpu", "cpu.max"), ("cpuset", "cpuset.cpus"), ("memory", "memory.max"),
                ("pids", "pids.max"), ("hugetlb", "hugetlb.1GB.max"), ("hugetlb", "hugetlb.2MB.max"),
                ("", "memory.high"),
            ],
            settings.Select(s => (s.Controller, s.File)));
    }

    [Fact]
    public void A_unified_key_is_written_even_without_its_controller_so_the_kernel_refuses_it_loudly()
    {
        var settings = CgroupV2Settings.Map(new CgroupResources { Unified = new Dictionary<string, string> { ["hugetlb.2MB.max"] = "0" } });

        var (write, skip) = CgroupControllers.Split(settings, new HashSet<string> { "memory" });

        Assert.Single(write);
        Assert.Empty(skip);
    }

    [Fact]
    public void A_host_with_every_controller_skips_nothing_and_has_nothing_to_say()
    {
        var all = CgroupControllers.ParseList("cpuset cpu io memory hugetlb pids rdma misc");

        Assert.Empty(CgroupControllers.Split(CgroupV2Settings.Map(KubeletLimits), all).Skip);
        Assert.Empty(CgroupControllers.Missing(all));
        Assert.Null(CgroupControllers.Describe(CgroupVersion.V2, []));
    }

    [Fact]
    public void The_start_up_line_names_the_missing_controllers()
    {
        Assert.Equal("cgroup v1: no hugetlb controller mounted under the cgroup root; container limits for it are skipped, as runc does",
            CgroupControllers.Describe(CgroupVersion.V1, ["hugetlb"]));
        Assert.Equal("cgroup v2: no pids, hugetlb controllers available at the cgroup root; container limits for them are skipped, as runc does",
            CgroupControllers.Describe(CgroupVersion.V2, ["pids", "hugetlb"]));
    }

    [Theory]
    [InlineData("hugetlb.2MB.max", "hugetlb")]
    [InlineData("memory.swap.max", "memory")]
    [InlineData("cpu.weight", "cpu")]
    [InlineData("cgroup.freeze", "cgroup")]
    [InlineData("nodot", "")]
    public void A_v2_file_belongs_to_the_controller_before_its_first_dot(string file, string controller) =>
        Assert.Equal(controller, CgroupControllers.OfV2File(file));

    /// <summary>The v2 manager on a plain directory tree: its decision reads the cgroup's own cgroup.controllers.</summary>
    [Fact]
    public void The_v2_manager_writes_what_the_cgroup_has_and_skips_the_rest()
    {
        using var root = new TempDirectory();
        var cgroup = Directory.CreateDirectory(root.Combine("kubepods", "podx", "c1")).FullName;
        File.WriteAllText(Path.Combine(cgroup, "cgroup.controllers"), "cpu memory pids\n");

        new CgroupV2Manager(root.Path).Apply("/kubepods/podx/c1", KubeletLimits);

        Assert.Equal("67108864", File.ReadAllText(Path.Combine(cgroup, "memory.max")));
        Assert.Equal("50000 100000", File.ReadAllText(Path.Combine(cgroup, "cpu.max")));
        Assert.False(File.Exists(Path.Combine(cgroup, "hugetlb.2MB.max")));
    }
}
