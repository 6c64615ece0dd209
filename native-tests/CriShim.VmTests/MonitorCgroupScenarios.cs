using System.Text.Json;
using CriShim.Protocol.V1;
using static CriShim.VmTests.CgroupV2Host;

namespace CriShim.VmTests;

/// <summary>On pure cgroup v2: each container monitor sits in a leaf cgroup of its own beside the container's, not in the daemon's.</summary>
internal static class MonitorCgroupScenarios
{
    public static IEnumerable<VmTestCase> All =>
    [
        new("the monitor lives in <pod parent>/crishim-monitor-<id>, out of the daemon's cgroup, removed with the container", MonitorOutsideDaemon),
    ];

    private static async Task MonitorOutsideDaemon(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "monitor");
        try
        {
            var container = await pod.StartAsync("watched", ["sleep", "3600"]);
            var response = await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = container.Id, Verbose = true });
            var monitorPid = JsonDocument.Parse(response.Info["info"]).RootElement.GetProperty("monitorPid").GetInt32();
            var expected = Path.Combine(Root, pod.CgroupParent.TrimStart('/'), $"crishim-monitor-{container.Id}");

            Check.Equal(expected, CgroupOf(monitorPid), "the monitor's cgroup");
            Check.True(CgroupOf(monitorPid) != CgroupOf(Environment.ProcessId), "the monitor is not in the test runner's (the daemon's parent's) cgroup");
            Check.True(Read(expected, "cgroup.procs").Split('\n').Contains(monitorPid.ToString()), "cgroup.procs lists the monitor");

            await daemon.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = container.Id, Timeout = 2 });
            await daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = container.Id });
            Check.True(!Directory.Exists(expected), $"{expected} is gone after RemoveContainer");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }
}
