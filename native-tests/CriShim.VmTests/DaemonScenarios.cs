using CriShim.Protocol.V1;

namespace CriShim.VmTests;

/// <summary>The daemon itself on a pure cgroup v2 kernel.</summary>
internal static class DaemonScenarios
{
    public static IEnumerable<VmTestCase> All =>
    [
        new("host is pure cgroup v2 with every controller delegated", HostIsPureV2),
        new("daemon serves and reports the cgroupfs driver", ReportsCgroupfs),
    ];

    private static Task HostIsPureV2(VmDaemon daemon)
    {
        Check.Equal(null, CgroupV2Host.WhyNot(), "cgroup hierarchy");
        foreach (var controller in new[] { "cpu", "cpuset", "memory", "pids", "hugetlb" })
        {
            Check.True(CgroupV2Host.EnabledControllers.Contains(controller), $"{controller} enabled in subtree_control");
        }
        return Task.CompletedTask;
    }

    private static async Task ReportsCgroupfs(VmDaemon daemon)
    {
        var version = await daemon.Runtime.VersionAsync(new VersionRequest());
        Check.Equal("crishim", version.RuntimeName, "runtime name");
        var config = await daemon.Runtime.RuntimeConfigAsync(new RuntimeConfigRequest());
        Check.Equal(CgroupDriver.Cgroupfs, config.Linux.CgroupDriver, "cgroup driver");
    }
}
