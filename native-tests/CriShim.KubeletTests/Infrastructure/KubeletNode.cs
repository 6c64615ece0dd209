using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.KubeletTests.Infrastructure;

/// <summary>
/// One node for every kubelet test: a registry with the busybox test image, crishim (out/bin) on a private
/// socket, root, state and CNI network (Debian's bridge, host-local and portmap plugins), and a real kubelet in
/// standalone mode on it. Every static pod of <see cref="StaticPods"/> is written at start, so the pods run
/// side by side while the tests look at them one after the other. Everything lives under <see cref="BaseDir"/>
/// and <see cref="CgroupRoot"/>, fixed names, so a run first removes what an interrupted one left.
/// </summary>
public sealed class KubeletNode : IAsyncLifetime
{
    public const string BaseDir = "/tmp/crishim-kubelet-test";
    public const string NodeName = "crishim-node";
    public const string Namespace = "default";

    /// <summary>The kubelet's cgroupRoot: its kubepods tree goes below it in every hierarchy.</summary>
    public const string CgroupRoot = "/crishim-kubelet";

    public const string NetworkName = "crishimkubelet";
    public const string Bridge = "crishimkub0";
    public const string Subnet = "10.99.140.0/24";
    public const string Gateway = "10.99.140.1";

    private static readonly string[] KubeletHostDirs = ["/var/lib/kubelet", "/var/log/containers"];
    private readonly List<string> _createdHostDirs = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static string? SkipReason { get; } = KubernetesTools.WhyNot("kubelet", "KUBELET");

    public TestRegistry Registry { get; private set; } = null!;
    public DaemonProcess Crishim { get; private set; } = null!;
    public TestCniNetwork Network { get; private set; } = null!;
    public KubeletProcess Kubelet { get; private set; } = null!;
    public RuntimeService.RuntimeServiceClient Runtime => Crishim.Runtime;
    public string Image => $"{Registry.Host}/test/busybox:1";

    /// <summary>A data image (no command) that pods mount as an image volume; see <see cref="ImageVolumeGreeting"/>.</summary>
    public string VolumeImage => $"{Registry.Host}/test/kubelet-image-volume:1";

    public const string ImageVolumeGreeting = "hello from an image volume";

    /// <summary>A host directory pods mount (hostPath) to leave traces the test reads after they are gone.</summary>
    public string HostPathDir => Path.Combine(BaseDir, "hostpath");

    /// <summary>A host directory writable for anyone (1777, as /tmp), for pods whose root is an unprivileged uid on the host.</summary>
    public string SharedHostPathDir => Path.Combine(BaseDir, "hostpath-shared");

    public string CrishimDir => Path.Combine(BaseDir, "crishim");
    public string KubeletDir => Path.Combine(BaseDir, "kubelet");
    public int HostPort { get; } = TestRegistry.FreePort();
    public static string PodName(string name) => $"{name}-{NodeName}";

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }
        await RemoveLeftoversAsync();
        Directory.CreateDirectory(HostPathDir);
        Directory.CreateDirectory(SharedHostPathDir);
        File.SetUnixFileMode(SharedHostPathDir, (UnixFileMode)0x3FF);
        foreach (var directory in KubeletHostDirs.Where(d => !Directory.Exists(d)))
        {
            _createdHostDirs.Add(directory);
        }

        Registry = await TestRegistry.StartAsync();
        await TestImages.Busybox().PushAsync(Registry, "test/busybox", "1");
        await TestImages.Build([TestLayer.From(TestImages.Tar(t =>
        {
            t.Directory("data");
            t.File("data/greeting", ImageVolumeGreeting + "\n");
            t.File("data/owned", "by uid 1000\n", uid: 1000, gid: 1000);
        }))]).PushAsync(Registry, "test/kubelet-image-volume", "1");
        Crishim = await DaemonProcess.StartInAsync(CrishimDir);
        await File.WriteAllTextAsync(Path.Combine(BaseDir, "crishim.pid"), Crishim.Pid.ToString(CultureInfo.InvariantCulture));
        Network = await TestCniNetwork.CreateAsync(Crishim.CniConfDir, Crishim.WorkDir, NetworkName, Bridge, Subnet, withLoopback: false);
        await Crishim.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = Image } });

        // The kubelet refuses a cgroupRoot that does not exist.
        foreach (var hierarchy in CgroupHierarchies())
        {
            Directory.CreateDirectory(hierarchy + CgroupRoot);
        }
        Kubelet = new KubeletProcess(KubernetesTools.Find("kubelet", "KUBELET")!, KubeletDir, Crishim.Socket, NodeName, CgroupRoot);
        // A shared mount: the tmpfs volumes the kubelet mounts in its own mount namespace reach crishim's.
        Directory.CreateDirectory(Kubelet.RootDir);
        await Shell.Run("mount", "--bind", Kubelet.RootDir, Kubelet.RootDir);
        await Shell.Run("mount", "--make-shared", Kubelet.RootDir);
        await Kubelet.StartAsync();
        foreach (var (name, manifest) in StaticPods.All(this))
        {
            await WriteManifestAsync(name, manifest);
        }
    }

    public async Task DisposeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }
        try
        {
            if (Kubelet is not null)
            {
                // The kubelet stops what it runs when the manifests go; then the runtime removes the rest.
                foreach (var manifest in Directory.EnumerateFiles(Kubelet.ManifestDir))
                {
                    File.Delete(manifest);
                }
                await WaitUntilAsync(async () => (await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items
                    .All(p => p.State == PodSandboxState.SandboxNotready), TimeSpan.FromSeconds(30), throwOnTimeout: false);
                await Kubelet.StopAsync();
            }
            if (Crishim is not null)
            {
                foreach (var pod in (await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
                {
                    await Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod.Id });
                    await Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
                }
                await Crishim.StopAsync();
            }
            if (Network is not null)
            {
                await Network.DisposeAsync();
            }
        }
        finally
        {
            SaveLogs();
            await RemoveHostStateAsync();
            if (Registry is not null)
            {
                await Registry.DisposeAsync();
            }
            foreach (var directory in _createdHostDirs)
            {
                // Only what this run created: the kubelet makes them whatever its root dir is.
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
            _http.Dispose();
        }
    }

    /// <summary>The last run's kubelet and crishim logs stay in <see cref="LogsDir"/> for a look after a failure.</summary>
    public const string LogsDir = BaseDir + "-logs";

    private void SaveLogs()
    {
        Directory.CreateDirectory(LogsDir);
        File.WriteAllText(Path.Combine(LogsDir, "kubelet.log"), Kubelet?.Log ?? "");
        File.WriteAllText(Path.Combine(LogsDir, "crishim.log"), Crishim?.Log ?? "");
    }

    public Task WriteManifestAsync(string name, string manifest) =>
        File.WriteAllTextAsync(Path.Combine(Kubelet.ManifestDir, name + ".yaml"), manifest);

    public void DeleteManifest(string name) => File.Delete(Path.Combine(Kubelet.ManifestDir, name + ".yaml"));

    /// <summary>Every pod the kubelet knows, from its read-only port.</summary>
    public async Task<IReadOnlyList<PodView>> PodsAsync()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{Kubelet.ReadOnlyPort}/pods"));
        return document.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Select(p => new PodView(p.Clone())).ToList()
            : [];
    }

    public async Task<PodView?> PodAsync(string name) => (await PodsAsync()).FirstOrDefault(p => p.Name == PodName(name));

    /// <summary>Polls /pods until the pod satisfies <paramref name="condition"/>; fails with its last status and the logs.</summary>
    public async Task<PodView> WaitPodAsync(string name, Func<PodView, bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        PodView? last = null;
        while (true)
        {
            try
            {
                last = await PodAsync(name);
                if (last is not null && condition(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or KeyNotFoundException)
            {
                // The kubelet restarting, or a status not filled in yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"pod {name}: not {what} after {seconds} s; last status: {last?.ToString() ?? "(no such pod)"}\n{Diagnostics()}");
            }
            await Task.Delay(250);
        }
    }

    public Task<PodView> WaitRunningAsync(string name, int seconds = 60) =>
        WaitPodAsync(name, p => p.Phase == "Running" && p.Containers.Count > 0 && p.Containers.All(c => c.State.Running), "running", seconds);

    /// <summary>A container's log through the kubelet (<c>/containerLogs/</c>), which reads the CRI log file and joins partial lines.</summary>
    public async Task<string> ContainerLogsAsync(string pod, string container, bool previous = false)
    {
        var url = $"http://127.0.0.1:{Kubelet.ReadOnlyPort}/containerLogs/{Namespace}/{PodName(pod)}/{container}{(previous ? "?previous=true" : "")}";
        using var response = await _http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Waits until the container's log (through the kubelet) contains <paramref name="text"/>; returns the log.</summary>
    public async Task<string> WaitLogAsync(string pod, string container, string text, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var log = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                log = await ContainerLogsAsync(pod, container);
                if (log.Contains(text, StringComparison.Ordinal))
                {
                    return log;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
            {
            }
            await Task.Delay(250);
        }
        Assert.Fail($"the log of {pod}/{container} has no '{text}' after {seconds} s:\n{log}\n{Diagnostics()}");
        return log;
    }

    /// <summary>Runs a command in a container through the CRI, as kubectl exec would through the kubelet.</summary>
    public async Task<(int ExitCode, string Output)> ExecAsync(string containerId, params string[] command)
    {
        var request = new ExecSyncRequest { ContainerId = containerId, Timeout = 10 };
        request.Cmd.AddRange(command);
        var response = await Runtime.ExecSyncAsync(request);
        return (response.ExitCode, response.Stdout.ToStringUtf8() + response.Stderr.ToStringUtf8());
    }

    /// <summary>The CRI sandboxes of a pod (by the kubelet's uid label), any state.</summary>
    public async Task<IReadOnlyList<PodSandbox>> SandboxesOfAsync(string uid) =>
        (await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items.Where(s => s.Metadata.Uid == uid).ToList();

    public async Task<IReadOnlyList<Protocol.V1.Container>> ContainersOfAsync(string uid) =>
        (await Runtime.ListContainersAsync(new ListContainersRequest())).Containers
            .Where(c => c.Labels.TryGetValue("io.kubernetes.pod.uid", out var u) && u == uid).ToList();

    public string Diagnostics() => $"--- kubelet log (tail) ---\n{Kubelet?.LogTail(40)}\n--- crishim log (tail) ---\n{string.Join('\n', (Crishim?.Log ?? "").Split('\n').TakeLast(30))}";

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, bool throwOnTimeout = true, string what = "")
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                if (throwOnTimeout)
                {
                    Assert.Fail($"not {what} after {timeout.TotalSeconds} s");
                }
                return;
            }
            await Task.Delay(250);
        }
    }

    /// <summary>The hierarchies pods' cgroups live in: the v2 root, or every v1 one plus a hybrid host's cgroup2 (unified).</summary>
    public static IReadOnlyList<string> CgroupHierarchies()
    {
        var mounts = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).ToList();
        if (mounts.Any(m => m[1] == "/sys/fs/cgroup" && m[2] == "cgroup2"))
        {
            return ["/sys/fs/cgroup"];
        }
        return mounts.Where(m => m[2] is "cgroup" or "cgroup2" && m[1].StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal)).Select(m => m[1]).ToList();
    }

    /// <summary>Mount points at or under <paramref name="directory"/>, deepest first.</summary>
    public static IReadOnlyList<string> MountsUnder(string directory) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => Unescape(l.Split(' ')[4]))
            .Where(m => m == directory || m.StartsWith(directory + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.Length).ToList();

    private static string Unescape(string field) => field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");

    /// <summary>What an interrupted run may have left: processes, mounts, cgroups, directories (the network goes with its CreateAsync).</summary>
    private static async Task RemoveLeftoversAsync()
    {
        await KubeletProcess.StopLeftoverAsync(Path.Combine(BaseDir, "kubelet", "kubelet.pid"));
        var crishimPid = Path.Combine(BaseDir, "crishim.pid");
        if (File.Exists(crishimPid) && int.TryParse(await File.ReadAllTextAsync(crishimPid), out var pid)
            && File.Exists($"/proc/{pid}/cmdline") && (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Contains(BaseDir, StringComparison.Ordinal))
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync();
        }
        await RemoveHostStateAsync();
    }

    private static async Task RemoveHostStateAsync()
    {
        // Containers of the run first (their cgroups name them exactly), then what they held.
        foreach (var hierarchy in CgroupHierarchies())
        {
            KillAll(hierarchy + CgroupRoot);
        }
        foreach (var mount in MountsUnder(BaseDir))
        {
            await Shell.TryRun("umount", "--lazy", mount);
        }
        foreach (var hierarchy in CgroupHierarchies())
        {
            RemoveCgroupTree(hierarchy + CgroupRoot);
        }
        if (Directory.Exists(BaseDir))
        {
            Directory.Delete(BaseDir, recursive: true);
        }
    }

    private static void KillAll(string cgroup)
    {
        if (!Directory.Exists(cgroup))
        {
            return;
        }
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var pids = Directory.EnumerateDirectories(cgroup, "*", SearchOption.AllDirectories).Append(cgroup)
                .SelectMany(d => ReadPids(Path.Combine(d, "cgroup.procs"))).Distinct().ToList();
            if (pids.Count == 0)
            {
                return;
            }
            foreach (var pid in pids)
            {
                Tmds.Linux.LibC.kill(pid, Tmds.Linux.LibC.SIGKILL);
            }
            Thread.Sleep(100);
        }
    }

    private static IEnumerable<int> ReadPids(string procs)
    {
        try
        {
            return File.ReadAllLines(procs).Where(l => l.Length > 0).Select(int.Parse).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static void RemoveCgroupTree(string cgroup)
    {
        if (!Directory.Exists(cgroup))
        {
            return;
        }
        foreach (var directory in Directory.EnumerateDirectories(cgroup, "*", SearchOption.AllDirectories).Reverse().Append(cgroup))
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    Directories.RemoveEmpty(directory);
                    break;
                }
                catch (ErrnoException) when (attempt < 20)
                {
                    Thread.Sleep(100);
                }
                catch (ErrnoException)
                {
                    break;
                }
            }
        }
    }
}

[CollectionDefinition("kubelet")]
public sealed class KubeletCollection : ICollectionFixture<KubeletNode>;

/// <summary>A test that needs root and a kubelet; skipped, saying which is missing, otherwise.</summary>
public sealed class KubeletFactAttribute : FactAttribute
{
    /// <summary>Where <see cref="ScenarioOrderer"/> runs it: lower first, 0 by default.</summary>
    public int Order { get; set; }

    public KubeletFactAttribute()
    {
        if (KubeletNode.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
