using System.Text;
using CriShim.Protocol.V1;
using CriShim.Streaming.Client;
using static CriShim.Protocol.V1.ContainerEventType;
using static CriShim.VmTests.CgroupV2Host;
using ProfileType = CriShim.Protocol.V1.SecurityProfile.Types.ProfileType;

namespace CriShim.VmTests;

/// <summary>
/// What kubelet reads back from the runtime on a pure cgroup v2 host: pod stats from the pod's cgroup, the event
/// stream its evented PLEG follows (exits seen by inotify on the state directory, a tmpfs here), and seccomp
/// filters loaded into this kernel, with ExecSync into the confined containers.
/// </summary>
internal static class StatsAndEventsScenarios
{
    public static IEnumerable<VmTestCase> All =>
    [
        new("PodSandboxStats: cpu rate under a quota, working set, process count and container stats as the cgroup files say", PodStatsUnderLoad),
        new("GetContainerEvents: CREATED, STARTED, STOPPED (exit seen without a status call) and DELETED in order", ContainerEventsInOrder),
        new("RuntimeDefault seccomp: Seccomp 2 in /proc, sethostname and unshare(CLONE_NEWUSER) refused, ExecSync confined too", RuntimeDefaultSeccomp),
        new("Exec over SPDY through the streaming server, with and without a tty, in a RuntimeDefault container", StreamingExec),
    ];

    private static async Task PodStatsUnderLoad(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "podstats");
        try
        {
            var burner = await pod.StartAsync("burner", ["sh", "-c", "while true; do :; done"],
                new LinuxContainerResources { CpuPeriod = 100_000, CpuQuota = 50_000 });
            // Allocates its 30 MB string only when told, so the working set is seen before and after.
            var holder = await pod.StartAsync("holder", ["sh", "-c",
                "while [ ! -e /tmp/go ]; do sleep 0.2; done; x=$(head -c 30000000 /dev/zero | tr '\\0' a); echo ready; sleep 3600 & wait"]);
            var podCgroup = Path.Combine(Root, pod.CgroupParent.TrimStart('/'));
            var before = await pod.StatsAsync();

            var (exit, _, stderr) = await holder.ExecAsync("touch", "/tmp/go");
            Check.Equal(0, exit, $"exec touch /tmp/go ({stderr})");
            await holder.WaitForLogAsync("ready", TimeSpan.FromSeconds(120));
            var first = await pod.StatsAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var burnerCgroup = CgroupOf(await burner.PidAsync());
            var holderCgroup = CgroupOf(await holder.PidAsync());
            var burnerCpuBefore = ReadKeyed(burnerCgroup, "cpu.stat")["usage_usec"] * 1000;
            var second = await pod.StatsAsync();
            var burnerCpuAfter = ReadKeyed(burnerCgroup, "cpu.stat")["usage_usec"] * 1000;
            var holderWorkingSet = long.Parse(Read(holderCgroup, "memory.current")) - ReadKeyed(holderCgroup, "memory.stat")["inactive_file"];
            var holderAnon = ReadKeyed(holderCgroup, "memory.stat")["anon"];
            var podWorkingSet = long.Parse(Read(podCgroup, "memory.current")) - ReadKeyed(podCgroup, "memory.stat")["inactive_file"];
            // The monitors' cgroups (crishim-monitor-<id>) sit beside the containers' and are the runtime's, not the pod's.
            var podProcesses = Directory.EnumerateDirectories(podCgroup, "*", SearchOption.AllDirectories).Append(podCgroup)
                .Where(d => !Path.GetFileName(d).StartsWith("crishim-monitor-", StringComparison.Ordinal))
                .Sum(d => Read(d, "cgroup.procs").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

            Check.Equal(pod.Id, second.Attributes.Id, "pod id");
            Check.Equal("podstats", second.Attributes.Metadata.Name, "pod name");
            Check.True(first.Linux.Cpu.UsageNanoCores is not null, "the second sample of the pod (after the one before the allocation) has a rate");
            var cores = second.Linux.Cpu.UsageNanoCores.Value / 1e9;
            Check.True(cores is > 0.25 and < 0.7, $"pod usage {cores:F3} cores is near the burner's 0.5 core quota");
            var nrThrottled = ReadKeyed(burnerCgroup, "cpu.stat")["nr_throttled"];
            Check.True(nrThrottled > 0, $"the quota throttled the burner (nr_throttled {nrThrottled})");
            var beforeWorkingSet = before.Linux.Memory.WorkingSetBytes.Value;
            var afterWorkingSet = second.Linux.Memory.WorkingSetBytes.Value;
            Check.True(afterWorkingSet > beforeWorkingSet + 25_000_000, $"pod working set grew by the 30 MB string: {beforeWorkingSet} -> {afterWorkingSet} B");
            Check.True(Math.Abs((long)afterWorkingSet - podWorkingSet) < podWorkingSet / 5,
                $"pod working set {afterWorkingSet} B is near memory.current - inactive_file of {podCgroup} = {podWorkingSet} B");
            // The burner's shell, the holder's shell and its sleep; no pause, as the pod does not share its PID namespace.
            Check.Equal(3UL, second.Linux.Process.ProcessCount.Value, "process count");
            Check.Equal(podProcesses, (int)second.Linux.Process.ProcessCount.Value, "process count against the cgroup.procs files under the pod cgroup");

            Check.Equal($"{burner.Id} {holder.Id}", string.Join(' ', second.Linux.Containers.Select(c => c.Attributes.Id)), "containers in the pod stats");
            var burnerStats = second.Linux.Containers.Single(c => c.Attributes.Id == burner.Id);
            var holderStats = second.Linux.Containers.Single(c => c.Attributes.Id == holder.Id);
            var burnerCpu = (long)burnerStats.Cpu.UsageCoreNanoSeconds.Value;
            Check.True(burnerCpu >= burnerCpuBefore && burnerCpu <= burnerCpuAfter,
                $"burner cpu {burnerCpu} ns lies between cpu.stat usage_usec read just before ({burnerCpuBefore} ns) and after ({burnerCpuAfter} ns)");
            var burnerCores = burnerStats.Cpu.UsageNanoCores.Value / 1e9;
            Check.True(burnerCores is > 0.25 and < 0.6, $"burner usage {burnerCores:F3} cores is near its 0.5 core quota");
            var reportedHolder = (long)holderStats.Memory.WorkingSetBytes.Value;
            Check.True(Math.Abs(reportedHolder - holderWorkingSet) < holderWorkingSet / 10,
                $"holder working set {reportedHolder} B is near memory.current - inactive_file = {holderWorkingSet} B");
            var reportedAnon = (long)holderStats.Memory.RssBytes.Value;
            Check.True(Math.Abs(reportedAnon - holderAnon) < holderAnon / 10, $"holder rss {reportedAnon} B is near memory.stat anon = {holderAnon} B");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static async Task ContainerEventsInOrder(VmDaemon daemon)
    {
        await using var stream = await ContainerEventStream.OpenAsync(daemon.Runtime);
        var pod = await Pod.RunAsync(daemon, "events");
        var removed = false;
        try
        {
            var quitter = await pod.StartAsync("quitter", ["sh", "-c", "sleep 1; exit 3"]);
            // Nobody asks for the container's status: the STOPPED event must come from the daemon noticing the exit itself.
            var untilStopped = await stream.WaitForAsync(3, TimeSpan.FromSeconds(30), quitter.Id);
            var status = await quitter.StatusAsync();
            await daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = quitter.Id });
            await pod.RemoveAsync();
            removed = true;

            var seen = await stream.WaitForAsync(8, TimeSpan.FromSeconds(30), pod.Id, quitter.Id);
            var expected = new[]
            {
                (pod.Id, ContainerCreatedEvent), (pod.Id, ContainerStartedEvent),
                (quitter.Id, ContainerCreatedEvent), (quitter.Id, ContainerStartedEvent), (quitter.Id, ContainerStoppedEvent), (quitter.Id, ContainerDeletedEvent),
                (pod.Id, ContainerStoppedEvent), (pod.Id, ContainerDeletedEvent),
            };
            Check.Equal(string.Join(", ", expected), string.Join(", ", seen.Select(e => (e.ContainerId, e.ContainerEventType))), "events in order");
            Check.True(seen.Select(e => e.CreatedAt).SequenceEqual(seen.Select(e => e.CreatedAt).Order()), "event timestamps never go backwards");
            var stopped = seen[4];
            Check.Equal(untilStopped[2].CreatedAt, stopped.CreatedAt, "the STOPPED event came before anyone asked for the status");
            var exited = stopped.ContainersStatuses.Single();
            Check.Equal((quitter.Id, ContainerState.ContainerExited, 3), (exited.Id, exited.State, exited.ExitCode), "container status in the STOPPED event");
            // The exit watcher also sweeps every 5 s; a STOPPED event within a second of the exit, as here, is inotify's.
            var lag = (stopped.CreatedAt - status.FinishedAt) / 1e9;
            Check.True(lag is >= 0 and < 1, $"the exit was noticed {lag:F3} s after the container finished");
            Check.Equal(PodSandboxState.SandboxReady, stopped.PodSandboxStatus.State, "pod state in the STOPPED event");
            Check.Equal(0, seen[5].ContainersStatuses.Count, "containers of the pod in the DELETED event");
        }
        finally
        {
            if (!removed)
            {
                await pod.RemoveAsync();
            }
        }
    }

    private static async Task RuntimeDefaultSeccomp(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "seccomp");
        try
        {
            var confined = await pod.StartAsync("confined", ["sleep", "3600"], seccomp: new SecurityProfile { ProfileType = ProfileType.RuntimeDefault });
            var free = await pod.StartAsync("free", ["sleep", "3600"], seccomp: new SecurityProfile { ProfileType = ProfileType.Unconfined });

            Check.Equal("2", SeccompModeOf(await confined.PidAsync()), "Seccomp of the RuntimeDefault container's process");
            Check.Equal("0", SeccompModeOf(await free.PidAsync()), "Seccomp of the unconfined container's process");

            var echo = await confined.ExecAsync("sh", "-c", "echo out; echo err >&2; grep Seccomp: /proc/self/status; exit 7");
            Check.Equal(7, echo.ExitCode, "exec exit code");
            Check.Equal("out\nSeccomp:\t2\n", echo.Stdout, "exec stdout (the exec'd process is filtered too)");
            Check.Equal("err\n", echo.Stderr, "exec stderr");
            // Host network means the node's UTS namespace: without CAP_SYS_ADMIN the name must stay as it is.
            var hostname = await confined.ExecAsync("hostname", "x");
            Check.True(hostname.ExitCode != 0 && hostname.Stderr.Contains("Operation not permitted"), $"hostname x is refused: {hostname}");
            Check.True(File.ReadAllText("/proc/sys/kernel/hostname").Trim() != "x", "the VM's hostname is unchanged");
            // unshare(CLONE_NEWUSER) needs no capability: only the filter refuses it, and the unconfined container may.
            var confinedUnshare = await confined.ExecAsync("unshare", "-U", "true");
            var freeUnshare = await free.ExecAsync("unshare", "-U", "true");
            Check.True(confinedUnshare.ExitCode != 0 && confinedUnshare.Stderr.Contains("Operation not permitted"), $"unshare -U is refused by the filter: {confinedUnshare}");
            Check.Equal((0, ""), (freeUnshare.ExitCode, freeUnshare.Stderr), "unshare -U in the unconfined container");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static async Task StreamingExec(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "streaming");
        try
        {
            var confined = await pod.StartAsync("confined", ["sleep", "3600"], seccomp: new SecurityProfile { ProfileType = ProfileType.RuntimeDefault });
            var (stdout, stderr) = (new MemoryStream(), new MemoryStream());
            var plain = await daemon.Runtime.ExecAsync(new ExecRequest
            {
                ContainerId = confined.Id,
                Cmd = { "sh", "-c", "read line; echo got $line; grep Seccomp: /proc/self/status; echo err >&2; exit 5" },
                Stdin = true,
                Stdout = true,
                Stderr = true,
            });
            var code = await RemoteCommandClient.RunAsync(new Uri(plain.Url), new RemoteCommandOptions
            {
                Stdin = new MemoryStream("hello\n"u8.ToArray()),
                Stdout = stdout,
                Stderr = stderr,
            }).WaitAsync(TimeSpan.FromSeconds(60));

            Check.Equal(5, code, "exit code over SPDY");
            Check.Equal("got hello\nSeccomp:\t2\n", Encoding.UTF8.GetString(stdout.ToArray()), "stdout over SPDY (the streamed exec is filtered too)");
            Check.Equal("err\n", Encoding.UTF8.GetString(stderr.ToArray()), "stderr over SPDY");

            var terminal = new MemoryStream();
            var tty = await daemon.Runtime.ExecAsync(new ExecRequest { ContainerId = confined.Id, Cmd = { "sh", "-c", "test -t 0 && echo on-a-tty" }, Stdout = true, Tty = true });
            var ttyCode = await RemoteCommandClient.RunAsync(new Uri(tty.Url), new RemoteCommandOptions { Stdout = terminal, Tty = true })
                .WaitAsync(TimeSpan.FromSeconds(60));
            Check.Equal(0, ttyCode, "exit code of the tty exec");
            Check.True(Encoding.UTF8.GetString(terminal.ToArray()).Contains("on-a-tty"), $"the tty exec runs on a terminal: {Encoding.UTF8.GetString(terminal.ToArray())}");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static string SeccompModeOf(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("Seccomp:", StringComparison.Ordinal))["Seccomp:".Length..].Trim();
}
