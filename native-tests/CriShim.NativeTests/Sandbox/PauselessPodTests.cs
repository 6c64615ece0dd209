using CriShim.Native;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Streaming;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Sandbox;

/// <summary>
/// Pods that do not share a PID namespace (the kubelet's default, pid CONTAINER) get no pause process: sandbox-init
/// pins their namespaces and exits (CRI-O's <c>drop_infra_ctr</c>). Pods with a shared PID namespace keep pause as PID 1.
/// </summary>
[Collection("containers")]
public sealed class PauselessPodTests(ContainerImagesFixture images)
{
    private const string NetworkName = "crishimpl";
    private const string Bridge = "crishimpl0";
    private const string Subnet = "10.99.86.0/24";

    [RootFact]
    public async Task A_pod_without_a_shared_pid_namespace_runs_no_process_its_containers_join_the_pins_and_remove_leaves_nothing()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        await using var net = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, NetworkName, Bridge, Subnet);
        var (pod, podConfig) = await scene.PodAsync("pl-own", network: NamespaceMode.Pod, pid: NamespaceMode.Container);
        var info = await scene.Pods.InfoAsync(pod);
        var pins = info.GetProperty("namespaces");
        var cgroupPath = info.GetProperty("cgroupPath").GetString()!;

        Assert.Equal(0, info.GetProperty("pid").GetInt32());
        Assert.False(info.GetProperty("pause").GetBoolean());
        Assert.Equal(["ipc", "net", "uts"], pins.EnumerateObject().Select(p => p.Name).Order());
        Assert.Empty(PauseProcessesIn(pins.GetProperty("ipc").GetString()!));
        Assert.All(CgroupProcsFiles(cgroupPath), procs => Assert.Equal("", File.ReadAllText(procs)));
        Assert.Equal(PodSandboxState.SandboxReady, (await scene.Pods.StatusAsync(pod)).Status.State);

        var app = await scene.RunAsync(pod, podConfig, scene.Config("app", "sleep", "1000"));
        var appPid = (await scene.InfoAsync(app)).GetProperty("pid").GetInt32();
        foreach (var kind in new[] { "net", "ipc", "uts" })
        {
            Assert.True(Namespaces.AreSame($"/proc/{appPid}/ns/{kind}", pins.GetProperty(kind).GetString()!), $"the container is not in the pod's {kind} namespace");
        }
        Assert.NotEqual(PodScene.NamespaceOf(Environment.ProcessId, "pid"), PodScene.NamespaceOf(appPid, "pid"));
        var (_, hostname, _) = await scene.ExecAsync(app, 10, "hostname");
        Assert.Equal("pl-own-host", hostname.Trim());
        var netns = PodScene.NamespaceOf(appPid, "net");

        // Nothing but the pins and the record hold the pod across a restart of the daemon.
        await scene.Daemon.StopAsync();
        await scene.Daemon.StartAsync();
        Assert.Equal(PodSandboxState.SandboxReady, (await scene.Pods.StatusAsync(pod)).Status.State);
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(app)).State);
        Assert.Contains(pod, (await scene.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items.Where(p => p.State == PodSandboxState.SandboxReady).Select(p => p.Id));

        await scene.Pods.StopAsync(pod);
        Assert.Equal(PodSandboxState.SandboxNotready, (await scene.Pods.StatusAsync(pod)).Status.State);
        await scene.Pods.RemoveAsync(pod);

        scene.Pods.AssertNothingLeft(pod, null);
        Assert.Empty(net.AllocatedIps());
        Assert.DoesNotContain(netns, Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(p => p.All(char.IsAsciiDigit))
            .Select(p => { try { return new FileInfo($"/proc/{p}/ns/net").LinkTarget; } catch (IOException) { return null; } }));
    }

    [RootFact]
    public async Task Stats_and_port_forward_work_on_a_pod_without_pause()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        await using var net = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, NetworkName, Bridge, Subnet);
        var (pod, podConfig) = await scene.PodAsync("pl-stats", network: NamespaceMode.Pod, pid: NamespaceMode.Container);
        await scene.RunAsync(pod, podConfig, scene.Config("httpd", "sh", "-c", "mkdir -p /www && echo 'no pause here' > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www"));
        var ip = (await scene.Pods.StatusAsync(pod)).Status.Network.Ip;

        await Shell.Run("ping", "-c", "3", "-i", "0.2", "-s", "1000", "-W", "2", ip);
        var stats = (await scene.Runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = pod })).Stats.Linux;

        Assert.Equal("eth0", stats.Network.DefaultInterface.Name);
        Assert.True(stats.Network.DefaultInterface.RxBytes.Value >= 3 * 1000, $"rx {stats.Network.DefaultInterface.RxBytes.Value}");
        // httpd alone: no pause counted.
        Assert.Equal(1UL, stats.Process.ProcessCount.Value);

        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        Assert.Equal(pod, streaming.CheckPortForward(new PortForwardRequest { PodSandboxId = pod, Port = { 8080 } }));
        var page = "";
        await Eventually.RepeatUntilAsync(async () =>
        {
            try
            {
                await using var connection = await streaming.ConnectAsync(pod, 8080, CancellationToken.None);
                await connection.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
                using var reader = new StreamReader(connection);
                page = await reader.ReadToEndAsync();
            }
            catch (Runtime.Errors.UnavailableException)
            {
                // httpd is not listening yet.
            }
        }, () => page.Contains("no pause here"), "a page through port-forward");
    }

    [RootFact]
    public async Task A_pod_sharing_its_pid_namespace_keeps_pause_as_pid_1_and_containers_see_it()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("pl-shared", pid: NamespaceMode.Pod);
        var info = await scene.Pods.InfoAsync(pod);
        var pause = info.GetProperty("pid").GetInt32();

        Assert.True(info.GetProperty("pause").GetBoolean());
        Assert.EndsWith("\t1", PodScene.StatusField(pause, "NSpid"));
        Assert.Equal([pause], PauseProcessesIn(info.GetProperty("namespaces").GetProperty("ipc").GetString()!));
        var config = scene.Config("app", "sleep", "1000");
        config.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var app = await scene.RunAsync(pod, podConfig, config);
        var (_, comm, _) = await scene.ExecAsync(app, 10, "cat", "/proc/1/comm");
        Assert.Equal("pause", comm.Trim());
    }

    [RootFact]
    public async Task A_pod_without_pause_whose_pins_are_unmounted_is_notready()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, _) = await scene.PodAsync("pl-gone", pid: NamespaceMode.Container);
        var ipcPin = (await scene.Pods.InfoAsync(pod)).GetProperty("namespaces").GetProperty("ipc").GetString()!;

        Assert.True(Mounts.Unmount(ipcPin));

        Assert.Equal(PodSandboxState.SandboxNotready, (await scene.Pods.StatusAsync(pod)).Status.State);
        await scene.Pods.RemoveAsync(pod);
        scene.Pods.AssertNothingLeft(pod, null);
    }

    /// <summary>Processes of the helper in pause mode (<c>pause</c> or <c>pause-confined</c>) whose IPC namespace is the pinned one.</summary>
    private static IReadOnlyList<int> PauseProcessesIn(string ipcPin)
    {
        var found = new List<int>();
        foreach (var pid in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(p => p!.All(char.IsAsciiDigit)).Select(int.Parse!))
        {
            try
            {
                var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
                if (args.Length > 1 && args[1].StartsWith("pause", StringComparison.Ordinal) && Namespaces.AreSame($"/proc/{pid}/ns/ipc", ipcPin))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Ended meanwhile.
            }
        }
        return found;
    }

    private static IEnumerable<string> CgroupProcsFiles(string cgroupPath) =>
        Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => $"{h}{cgroupPath}/cgroup.procs").Where(File.Exists);
}
