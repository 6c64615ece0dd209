using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CriShim.Protocol.V1;

namespace CriShim.VmTests;

/// <summary>
/// The real kubelet (KUBELET, PATH or ../shared/tools/bin/kubelet beside the checkout) in standalone mode on
/// crishim, on pure cgroup v2: a static pod with limits runs in the kubelet's kubepods tree, logs through
/// the kubelet, and goes when its manifest goes. As on the host, the kubelet runs in a mount namespace of
/// its own with files bind-mounted over the kernel tunables it checks, and its root dir is a shared mount.
/// </summary>
internal static class KubeletScenarios
{
    public static string BinDir { get; set; } = AppContext.BaseDirectory;

    public static IEnumerable<VmTestCase> All =>
    [
        new("the kubelet runs a static pod with limits under kubepods on cgroup v2, logs it and removes it", StaticPod),
    ];

    private static string? FindKubelet()
    {
        if (Environment.GetEnvironmentVariable("KUBELET") is { Length: > 0 } set)
        {
            return File.Exists(set) ? set : null;
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "kubelet")).FirstOrDefault(File.Exists);
        var shared = Path.GetFullPath(Path.Combine(BinDir, "..", "..", "..", "shared", "tools", "bin", "kubelet"));
        return onPath ?? (File.Exists(shared) ? shared : null);
    }

    private static async Task StaticPod(VmDaemon daemon)
    {
        var binary = FindKubelet() ?? throw new ScenarioSkippedException("no kubelet: set KUBELET, put it on PATH or in ../shared/tools/bin");
        var work = Path.Combine(daemon.WorkDir, "kubelet");
        var (root, manifests, logs) = (Path.Combine(work, "root"), Path.Combine(work, "manifests"), Path.Combine(work, "pod-logs"));
        foreach (var directory in new[] { root, manifests, logs })
        {
            Directory.CreateDirectory(directory);
        }
        await RunAsync("mount", "--bind", root, root);
        await RunAsync("mount", "--make-shared", root);
        const int port = 10255;
        await File.WriteAllTextAsync(Path.Combine(work, "config.yaml"), $$"""
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            containerRuntimeEndpoint: unix://{{daemon.Socket}}
            staticPodPath: {{manifests}}
            cgroupDriver: cgroupfs
            address: 127.0.0.1
            readOnlyPort: {{port}}
            healthzPort: 0
            podLogsDir: {{logs}}
            volumePluginDir: {{Path.Combine(work, "volume-plugins")}}
            authentication: {anonymous: {enabled: true}, webhook: {enabled: false} }
            authorization: {mode: AlwaysAllow}
            makeIPTablesUtilChains: false
            enableSystemLogHandler: false
            oomScoreAdj: 0
            failSwapOn: false
            protectKernelDefaults: true
            fileCheckFrequency: 1s
            syncFrequency: 5s
            imageGCHighThresholdPercent: 100
            imageGCLowThresholdPercent: 99
            evictionHard: {memory.available: 1Mi, nodefs.available: 1%, nodefs.inodesFree: 1%, imagefs.available: 1%}
            """);
        var script = new StringBuilder("set -e\n");
        foreach (var (key, value) in new[] { ("vm/overcommit_memory", "1"), ("vm/panic_on_oom", "0"), ("kernel/panic", "10"), ("kernel/panic_on_oops", "1"),
            ("kernel/keys/root_maxkeys", "1000000"), ("kernel/keys/root_maxbytes", "25000000") })
        {
            if (File.Exists($"/proc/sys/{key}") && File.ReadAllText($"/proc/sys/{key}").Trim() != value)
            {
                var file = Path.Combine(work, "sysctl-" + key.Replace('/', '.'));
                File.WriteAllText(file, value + "\n");
                script.Append($"mount --bind '{file}' '/proc/sys/{key}'\n");
            }
        }
        script.Append($"exec '{binary}' --config '{Path.Combine(work, "config.yaml")}' --root-dir '{root}' --hostname-override vm-node --v=2\n");
        var log = new StringBuilder();
        var info = new ProcessStartInfo("unshare", ["--mount", "--propagation", "unchanged", "--", "/bin/sh", "-c", script.ToString()])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var kubelet = Process.Start(info)!;
        kubelet.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        kubelet.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        kubelet.BeginErrorReadLine();
        kubelet.BeginOutputReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        string Tail() { lock (log) { return string.Join('\n', log.ToString().Split('\n').TakeLast(30)); } }
        try
        {
            await WaitAsync(async () => (await TryGetAsync(http, "healthz")).Trim() == "ok", 120, () => "kubelet healthy\n" + Tail());
            await File.WriteAllTextAsync(Path.Combine(manifests, "hello.yaml"), $$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: hello, namespace: default}
                spec:
                  hostNetwork: true
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: {{daemon.RegistryHost}}/{{PodCgroupScenarios.Repository}}:{{PodCgroupScenarios.Tag}}
                    command: [sh, -c, "echo hello from the kubelet; echo memory.max $(cat /sys/fs/cgroup/memory.max); exec sleep 3600"]
                    resources:
                      limits: {memory: 64Mi, cpu: 250m}
                """);
            var uid = "";
            await WaitAsync(async () =>
            {
                var pods = await TryGetAsync(http, "pods");
                if (pods.Length == 0)
                {
                    return false;
                }
                using var document = JsonDocument.Parse(pods);
                if (!document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }
                var pod = items.EnumerateArray().FirstOrDefault(p => p.GetProperty("metadata").GetProperty("name").GetString() == "hello-vm-node");
                if (pod.ValueKind != JsonValueKind.Object || !pod.TryGetProperty("status", out var status) || !status.TryGetProperty("phase", out var phase))
                {
                    return false;
                }
                uid = pod.GetProperty("metadata").GetProperty("uid").GetString()!;
                return phase.GetString() == "Running";
            }, 240, () => "pod Running\n" + Tail());

            var podLog = "";
            await WaitAsync(async () => (podLog = await TryGetAsync(http, "containerLogs/default/hello-vm-node/app")).Contains("memory.max"), 60, () => $"container log: {podLog}");
            Check.True(podLog.Contains("hello from the kubelet\n") && podLog.Contains($"memory.max {64 * 1024 * 1024}\n"), $"container log: {podLog}");
            // Limits alone make requests equal: a Guaranteed pod, directly under kubepods.
            var podCgroup = Directory.EnumerateDirectories(Path.Combine(CgroupV2Host.Root, "kubepods"), "pod" + uid, SearchOption.AllDirectories).Single();
            var containerCgroup = Directory.EnumerateDirectories(podCgroup, "crishim-*")
                .SingleOrDefault(d => File.Exists(Path.Combine(d, "memory.max")) && CgroupV2Host.Read(d, "memory.max") == (64 * 1024 * 1024).ToString());
            Check.True(containerCgroup is not null, $"a container cgroup with memory.max 64 MiB under {podCgroup}");
            Check.Equal("25000 100000", CgroupV2Host.Read(containerCgroup!, "cpu.max"), "cpu.max of the container");

            File.Delete(Path.Combine(manifests, "hello.yaml"));
            await WaitAsync(async () => (await daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers
                .Where(c => c.Labels.TryGetValue("io.kubernetes.pod.uid", out var u) && u == uid).All(c => c.State == ContainerState.ContainerExited), 60, () => "stopped\n" + Tail());
        }
        finally
        {
            if (!kubelet.HasExited)
            {
                kubelet.Kill();
                await kubelet.WaitForExitAsync();
            }
            foreach (var pod in (await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
            {
                await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
            }
            await RunAsync("umount", "--lazy", root);
        }
    }

    private static async Task<string> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(path);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return "";
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, int seconds, Func<string> what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new CheckFailedException($"not {what()} after {seconds} s");
            }
            await Task.Delay(500);
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Check.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error}");
    }
}

/// <summary>A scenario that cannot run in this VM (a tool is missing): counted as skipped, with the reason.</summary>
internal sealed class ScenarioSkippedException(string reason) : Exception(reason);
