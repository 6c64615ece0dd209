using CriShim.Protocol.V1;
using static CriShim.VmTests.CgroupV2Host;

namespace CriShim.VmTests;

/// <summary>
/// A pod's and its containers' cgroups on a pure cgroup v2 host, driven through CRI exactly as the
/// kubelet does, and checked in the kernel's own files under /sys/fs/cgroup.
/// </summary>
internal static class PodCgroupScenarios
{
    public const string Repository = "vm/busybox";
    public const string Tag = "1";

    public static IEnumerable<VmTestCase> All =>
    [
        new("pod cgroup is created under its parent and removed with the pod", PodCgroupLifecycle),
        new("cpu quota, shares, cpuset and pids become cpu.max, cpu.weight, cpuset.* and pids.max", CpuAndPidsLimits),
        new("memory limit is enforced: a hog is OOMKilled and memory.events counts it", MemoryHogIsOomKilled),
        new("UpdateContainerResources changes memory.max live", UpdateMemoryLive),
        new("StopContainer kills a process that ignores SIGTERM and empties its cgroup", StopKillsWholeCgroup),
        new("the device filter denies a mknod'ed device, allows /dev/null and a CRI device with its permissions", DeviceFilter),
        new("ContainerStats reports working set and cpu usage as memory.current, memory.stat and cpu.stat say", ContainerStatsMatchCgroupFiles),
    ];

    private static async Task PodCgroupLifecycle(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "lifecycle");
        var podCgroup = Path.Combine(CgroupV2Host.Root, pod.CgroupParent.TrimStart('/'));
        Check.True(Directory.Exists(podCgroup), $"{podCgroup} exists after RunPodSandbox");
        var container = await pod.StartAsync("sleeper", ["sleep", "3600"]);
        var cgroup = CgroupOf(await container.PidAsync());
        Check.True(cgroup.StartsWith(podCgroup + "/", StringComparison.Ordinal), $"container cgroup {cgroup} is under {podCgroup}");

        await pod.RemoveAsync();

        Check.True(!Directory.Exists(podCgroup), $"{podCgroup} is gone after RemovePodSandbox");
        Check.True(!Directory.Exists(cgroup), $"{cgroup} is gone after RemovePodSandbox");
    }

    private static async Task CpuAndPidsLimits(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "cpu");
        try
        {
            var container = await pod.StartAsync("limited", ["sleep", "3600"], new LinuxContainerResources
            {
                CpuPeriod = 100_000,
                CpuQuota = 50_000,
                CpuShares = 512,
                CpusetCpus = "0",
                CpusetMems = "0",
                Unified = { ["pids.max"] = "64" },
            });
            var cgroup = CgroupOf(await container.PidAsync());

            Check.Equal("50000 100000", Read(cgroup, "cpu.max"), "cpu.max");
            Check.Equal((1 + (512 - 2) * 9999 / 262142).ToString(), Read(cgroup, "cpu.weight"), "cpu.weight from 512 shares");
            Check.Equal("0", Read(cgroup, "cpuset.cpus"), "cpuset.cpus");
            Check.Equal("0", Read(cgroup, "cpuset.mems"), "cpuset.mems");
            Check.Equal("64", Read(cgroup, "pids.max"), "pids.max");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static async Task MemoryHogIsOomKilled(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "oom");
        try
        {
            var container = await pod.StartAsync("hog", ["sh", "-c", "x=$(yes | head -c 200000000); echo survived"],
                new LinuxContainerResources { MemoryLimitInBytes = 32 * 1024 * 1024 });
            var cgroup = CgroupOf(await container.PidAsync());
            Check.Equal((32 * 1024 * 1024).ToString(), Read(cgroup, "memory.max"), "memory.max");

            var status = await container.WaitForExitAsync(TimeSpan.FromSeconds(120));

            Check.Equal("OOMKilled", status.Reason, "exit reason");
            Check.True(status.ExitCode != 0, $"exit code {status.ExitCode} is non-zero");
            var events = ReadKeyed(cgroup, "memory.events");
            Check.True(events.GetValueOrDefault("oom_kill") >= 1, $"memory.events oom_kill is {events.GetValueOrDefault("oom_kill")}");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static async Task UpdateMemoryLive(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "update");
        try
        {
            var container = await pod.StartAsync("resized", ["sleep", "3600"],
                new LinuxContainerResources { MemoryLimitInBytes = 64 * 1024 * 1024 });
            var cgroup = CgroupOf(await container.PidAsync());
            Check.Equal((64 * 1024 * 1024).ToString(), Read(cgroup, "memory.max"), "memory.max before");

            await daemon.Runtime.UpdateContainerResourcesAsync(new UpdateContainerResourcesRequest
            {
                ContainerId = container.Id,
                Linux = new LinuxContainerResources { MemoryLimitInBytes = 96 * 1024 * 1024 },
            });

            Check.Equal((96 * 1024 * 1024).ToString(), Read(cgroup, "memory.max"), "memory.max after the update");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static async Task StopKillsWholeCgroup(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "stop");
        try
        {
            var container = await pod.StartAsync("stubborn", ["sh", "-c", "trap '' TERM; sleep 3600 & sleep 3600 & wait"]);
            var cgroup = CgroupOf(await container.PidAsync());

            await daemon.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = container.Id, Timeout = 1 });

            var status = await container.StatusAsync();
            Check.Equal(ContainerState.ContainerExited, status.State, "state after StopContainer");
            Check.Equal("", File.Exists(Path.Combine(cgroup, "cgroup.procs")) ? Read(cgroup, "cgroup.procs") : "", "processes left in the container cgroup");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    /// <summary>
    /// /dev/kmsg (c 1:11) is the probe: root may open it write-only without further capabilities, so an EPERM
    /// comes from the BPF device filter alone, and granting it as a CRI device must make it work.
    /// </summary>
    private static async Task DeviceFilter(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "devices");
        try
        {
            const string probe = "echo a >/tmp/kmsg && echo kmsg=open; echo b >/dev/null && echo null=open; echo c </tmp/kmsg || echo read=denied";
            var plain = await pod.StartAsync("plain", ["sh", "-c", "mkdir -p /tmp && mknod /tmp/kmsg c 1 11 && { " + probe + "; }"]);
            var granted = await pod.StartAsync("granted", ["sh", "-c", "mkdir -p /tmp && ln -s /dev/xkmsg /tmp/kmsg && { " + probe + "; }"],
                devices: [new Device { HostPath = "/dev/kmsg", ContainerPath = "/dev/xkmsg", Permissions = "w" }]);
            await plain.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await granted.WaitForExitAsync(TimeSpan.FromSeconds(60));

            var plainLog = File.ReadAllText(Path.Combine(pod.LogDirectory, "plain.log"));
            var grantedLog = File.ReadAllText(Path.Combine(pod.LogDirectory, "granted.log"));
            Check.True(plainLog.Contains("Operation not permitted") && !plainLog.Contains("kmsg=open"), $"a mknod'ed c 1:11 cannot be opened:\n{plainLog}");
            Check.True(plainLog.Contains("null=open"), $"/dev/null works:\n{plainLog}");
            Check.True(grantedLog.Contains("kmsg=open") && grantedLog.Contains("null=open"), $"the CRI device with w opens for writing:\n{grantedLog}");
            Check.True(grantedLog.Contains("read=denied"), $"the CRI device with only w does not open for reading:\n{grantedLog}");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static async Task ContainerStatsMatchCgroupFiles(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "stats");
        try
        {
            // Holds a 20 MB string and has burnt some CPU before it says ready; "& wait" keeps the shell (and the string) alive.
            var container = await pod.StartAsync("busy", ["sh", "-c",
                "x=$(head -c 20000000 /dev/zero | tr '\\0' a); i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo ready; sleep 3600 & wait"]);
            var cgroup = CgroupOf(await container.PidAsync());
            await container.WaitForLogAsync("ready", TimeSpan.FromSeconds(120));

            var stats = (await daemon.Runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = container.Id })).Stats;
            var cpuNanoseconds = ReadKeyed(cgroup, "cpu.stat")["usage_usec"] * 1000;
            var workingSet = long.Parse(Read(cgroup, "memory.current")) - ReadKeyed(cgroup, "memory.stat")["inactive_file"];

            var reportedCpu = (long)stats.Cpu.UsageCoreNanoSeconds.Value;
            var reportedWorkingSet = (long)stats.Memory.WorkingSetBytes.Value;
            Check.True(reportedWorkingSet > 15_000_000, $"working set {reportedWorkingSet} B holds the 20 MB string");
            Check.True(Math.Abs(reportedWorkingSet - workingSet) < workingSet / 5, $"working set {reportedWorkingSet} B is near memory.current - inactive_file = {workingSet} B");
            Check.True(reportedCpu > 0 && reportedCpu <= cpuNanoseconds && reportedCpu > cpuNanoseconds / 2,
                $"cpu usage {reportedCpu} ns is non-zero and near cpu.stat usage_usec read just after = {cpuNanoseconds} ns");
            Check.True(stats.Memory.RssBytes.Value > 15_000_000, $"rss (anon) {stats.Memory.RssBytes.Value} B holds the string");
            Check.True(stats.Memory.AvailableBytes is null, "no memory limit, so no available_bytes");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }
}
