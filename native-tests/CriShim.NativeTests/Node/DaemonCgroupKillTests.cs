using CriShim.Contract;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Streaming;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;

namespace CriShim.NativeTests.Node;

/// <summary>
/// What <c>systemctl stop crishim</c> does with systemd's default <c>KillMode=control-group</c>: SIGKILL to every
/// process in the service's cgroup. The daemon runs in a cgroup of the test's own (in every hierarchy,
/// including <c>name=systemd</c> on this hybrid host); monitors and pause must not be in it.
/// </summary>
[Collection("containers")]
public sealed class DaemonCgroupKillTests(ContainerImagesFixture images)
{
    private const string ServicePrefix = "/crishim19-service-";

    [RootFact]
    public async Task Killing_the_daemons_cgroup_leaves_containers_running_logging_and_reporting_their_exit_codes()
    {
        var cgroups = CgroupHierarchy.Detect();
        RemoveLeftovers(cgroups);
        var service = $"{ServicePrefix}{Environment.ProcessId}";
        cgroups.Create(service);
        try
        {
            await using var scene = await ContainerScene.StartAsync(images);
            CgroupMembership.Join(cgroups.Placements(service), scene.Daemon.Pid);
            var (pod, podConfig) = await scene.PodAsync("cgkill");
            var id = await scene.RunAsync(pod, podConfig,
                scene.Config("ticker", "sh", "-c", "i=0; while [ $i -lt 40 ]; do echo tick $i; i=$((i+1)); sleep 0.25; done; exit 7"));
            var logPath = (await scene.StatusAsync(id)).LogPath;
            await Eventually.TrueAsync(() => ContainerScene.LogContent(logPath).Contains("tick 2\n"), "ticks before the kill");

            var daemonPid = scene.Daemon.Pid;
            var killed = KillEveryMember(cgroups, service);
            await scene.Daemon.StopAsync();
            var ticksAtKill = Ticks(logPath);

            Assert.Equal([daemonPid], killed);
            await Eventually.TrueAsync(() => Ticks(logPath) > ticksAtKill + 2, "ticks while no daemon runs");
            await scene.Daemon.StartAsync();
            Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
            var pods = await scene.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest());
            Assert.Equal(PodSandboxState.SandboxReady, Assert.Single(pods.Items, p => p.Id == pod).State);
            var exited = await scene.WaitExitedAsync(id, 30);
            Assert.Equal(7, exited.ExitCode);
            Assert.Contains("tick 39\n", ContainerScene.LogContent(logPath));

            var monitorCgroups = () => Directory.EnumerateDirectories(HierarchyRoot(cgroups), $"crishim-monitor-{id}", SearchOption.AllDirectories).ToList();
            Assert.Single(monitorCgroups());
            await scene.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
            Assert.Empty(monitorCgroups());
        }
        finally
        {
            cgroups.Kill(service);
            cgroups.Remove(service);
        }
    }

    private static int Ticks(string logPath) => ContainerScene.LogContent(logPath).Split('\n').Count(l => l.StartsWith("tick ", StringComparison.Ordinal));

    /// <summary>SIGKILL to every member until the cgroup is empty, as systemd stops a unit; returns the pids it killed.</summary>
    private static HashSet<int> KillEveryMember(ICgroupManager cgroups, string path)
    {
        var killed = new HashSet<int>();
        for (var round = 0; round < 50; round++)
        {
            var members = cgroups.ProcsFiles(path).Where(File.Exists)
                .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(int.Parse).Distinct().ToList();
            if (members.Count == 0)
            {
                return killed;
            }
            foreach (var pid in members)
            {
                Tmds.Linux.LibC.kill(pid, Tmds.Linux.LibC.SIGKILL);
                killed.Add(pid);
            }
            Thread.Sleep(50);
        }
        throw new InvalidOperationException($"{path} did not empty");
    }

    private static string HierarchyRoot(ICgroupManager cgroups) =>
        cgroups.ProcsFiles("/x").Select(p => Path.GetDirectoryName(Path.GetDirectoryName(p))!).First();

    /// <summary>Service cgroups of an interrupted run of this test (its process is gone).</summary>
    private static void RemoveLeftovers(ICgroupManager cgroups)
    {
        foreach (var directory in Directory.EnumerateDirectories(HierarchyRoot(cgroups), ServicePrefix.TrimStart('/') + "*"))
        {
            var name = "/" + Path.GetFileName(directory);
            if (int.TryParse(name[ServicePrefix.Length..], out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                cgroups.Kill(name);
                cgroups.Remove(name);
            }
        }
    }
}
