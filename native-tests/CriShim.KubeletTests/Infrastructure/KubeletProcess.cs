using System.Diagnostics;
using System.Globalization;
using System.Text;
using CriShim.NativeTests.Infrastructure;

namespace CriShim.KubeletTests.Infrastructure;

/// <summary>
/// A real kubelet in standalone mode (static pods from <see cref="ManifestDir"/>, no API server) on a runtime
/// endpoint. It runs in a mount namespace of its own (<c>unshare --mount --propagation unchanged</c>) where a
/// file holding the value it wants is bind-mounted over each differing kernel tunable under /proc/sys: with
/// <c>protectKernelDefaults</c> it only checks them, and the host's values stay as they are. Its root dir is a
/// shared mount, so the tmpfs volumes it mounts there reach crishim's mount namespace. Restartable.
/// </summary>
public sealed class KubeletProcess
{
    /// <summary>What the kubelet checks (kubelet's <c>setupKernelTunables</c>) and wants.</summary>
    private static readonly (string Key, string Value)[] KernelDefaults =
    [
        ("vm/overcommit_memory", "1"), ("vm/panic_on_oom", "0"), ("kernel/panic", "10"), ("kernel/panic_on_oops", "1"),
        ("kernel/keys/root_maxkeys", "1000000"), ("kernel/keys/root_maxbytes", "25000000"),
    ];

    private readonly StringBuilder _log = new();
    private Process? _process;

    public KubeletProcess(string binary, string workDir, string runtimeSocket, string nodeName, string cgroupRoot)
    {
        Binary = binary;
        WorkDir = workDir;
        RuntimeSocket = runtimeSocket;
        NodeName = nodeName;
        CgroupRoot = cgroupRoot;
    }

    public string Binary { get; }
    public string WorkDir { get; }
    public string RuntimeSocket { get; }
    public string NodeName { get; }

    /// <summary>The kubelet's <c>cgroupRoot</c>: its <c>kubepods</c> tree goes below, apart from anything else on the host.</summary>
    public string CgroupRoot { get; }

    public string RootDir => Path.Combine(WorkDir, "root");
    /// <summary>Where the tests write manifests; the kubelet reads them through <see cref="StaticPodPath"/>.</summary>
    public string ManifestDir => Path.Combine(WorkDir, "manifests.d");

    /// <summary>
    /// The kubelet's staticPodPath: a symlink to <see cref="ManifestDir"/>, or to /dev/null (neither a file nor a
    /// directory: the file source lists nothing and is not ready) while the kubelet starts. See <see cref="StartAsync"/>.
    /// </summary>
    public string StaticPodPath => Path.Combine(WorkDir, "manifests");
    public string PodLogsDir => Path.Combine(WorkDir, "pod-logs");
    public string ConfigFile => Path.Combine(WorkDir, "kubelet-config.yaml");
    public string PidFile => Path.Combine(WorkDir, "kubelet.pid");
    /// <summary>/healthz, /pods and /containerLogs/: in standalone mode this kubelet serves only its read-only port.</summary>
    public int ReadOnlyPort { get; } = TestRegistry.FreePort();

    /// <summary>Configured so a kubelet that does open its authenticated port takes a free one.</summary>
    private int SecurePort { get; } = TestRegistry.FreePort();
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The last lines of the log, for assertion messages.</summary>
    public string LogTail(int lines = 60) => string.Join('\n', Log.Split('\n').TakeLast(lines));

    /// <summary>
    /// Starts the kubelet and hands it its static pods once its sync loop runs. This build of the kubelet marks
    /// its pod sources ready as soon as the file source has listed the manifests, before the sync loop has
    /// added those pods (upstream marks a source ready only after the sync loop handled its update). A kubelet
    /// restarted under running pods then sees them all as orphans: the volume manager tears their volumes
    /// down at once, and the first housekeeping pass kills every pod if it comes before the listing is handled,
    /// which happens whenever the runtime-dependent start-up takes more than about 1.5 s. Showing it the
    /// manifests only after the sync loop runs makes the listing the first thing it handles, as upstream does
    /// (the volume manager, which polls every 100 ms, can still read the pods in the moment between the
    /// listing and the sync loop handling it, and unmount their volumes).
    /// </summary>
    public async Task StartAsync()
    {
        Directory.CreateDirectory(ManifestDir);
        await PointStaticPodPathAsync("/dev/null");
        Directory.CreateDirectory(PodLogsDir);
        Directory.CreateDirectory(RootDir);
        await File.WriteAllTextAsync(ConfigFile, Config());
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--mount", "--propagation", "unchanged", "--", "/bin/sh", "-c", LaunchScript() })
        {
            info.ArgumentList.Add(arg);
        }
        var logStart = Log.Length;
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        // unshare and sh exec: the pid is the kubelet's, for a later run to stop it if this one is interrupted.
        await File.WriteAllTextAsync(PidFile, process.Id.ToString(CultureInfo.InvariantCulture));
        await WaitHealthyAsync(process);
        await WaitSyncLoopRunningAsync(process, logStart);
        await PointStaticPodPathAsync(ManifestDir);
    }

    private async Task PointStaticPodPathAsync(string target)
    {
        // mv -T renames the new link over the old one (rename(2), atomic): the kubelet never sees the path
        // missing, which it would take for an empty listing.
        var next = StaticPodPath + ".next";
        await Shell.Run("ln", "-sfn", target, next);
        await Shell.Run("mv", "-Tf", next, StaticPodPath);
    }

    /// <summary>
    /// The sync loop waits for the runtime with a doubling back-off (100 ms to 5 s), saying "Skipping pod
    /// synchronization" each time; 5.5 s without that line after it started means it runs.
    /// </summary>
    private async Task WaitSyncLoopRunningAsync(Process process, int started)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var lastSkip = DateTime.UtcNow;
        var skips = -1;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the kubelet exited with {process.ExitCode} while starting\n{LogTail()}");
            }
            var log = Log[started..];
            var count = CountOf(log, "Skipping pod synchronization");
            if (count != skips)
            {
                (skips, lastSkip) = (count, DateTime.UtcNow);
            }
            if (log.Contains("Starting kubelet main sync loop", StringComparison.Ordinal) && DateTime.UtcNow - lastSkip > TimeSpan.FromSeconds(5.5))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the kubelet's sync loop did not get past the runtime check within 60 s\n{LogTail()}");
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>SIGTERM, as systemd stops it; its pods keep running.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }
        if (!process.HasExited)
        {
            Tmds.Linux.LibC.kill(process.Id, Tmds.Linux.LibC.SIGTERM);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
        _process = null;
        File.Delete(PidFile);
    }

    /// <summary>Stops a kubelet an interrupted run left, found through its pid file (and checked to be ours).</summary>
    public static async Task StopLeftoverAsync(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(await File.ReadAllTextAsync(pidFile), out var pid))
        {
            return;
        }
        try
        {
            var commandLine = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Replace('\0', ' ');
            if (commandLine.Contains("kubelet", StringComparison.Ordinal) && commandLine.Contains(Path.GetDirectoryName(pidFile)!, StringComparison.Ordinal))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            // Gone already.
        }
        File.Delete(pidFile);
    }

    private string LaunchScript()
    {
        var script = new StringBuilder("set -e\n");
        foreach (var (key, value) in KernelDefaults)
        {
            var path = $"/proc/sys/{key}";
            if (File.Exists(path) && File.ReadAllText(path).Trim() != value)
            {
                var file = Path.Combine(WorkDir, "sysctl-" + key.Replace('/', '.'));
                File.WriteAllText(file, value + "\n");
                // Only in this mount namespace: the host's tunable keeps its value.
                script.Append(CultureInfo.InvariantCulture, $"mount --bind '{file}' '{path}'\n");
            }
        }
        script.Append(CultureInfo.InvariantCulture,
            $"exec '{Binary}' --config '{ConfigFile}' --root-dir '{RootDir}' --hostname-override '{NodeName}' --v=2\n");
        return script.ToString();
    }

    private string Config() => $"""
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        containerRuntimeEndpoint: unix://{RuntimeSocket}
        staticPodPath: {StaticPodPath}
        cgroupDriver: cgroupfs
        cgroupRoot: {CgroupRoot}
        address: 127.0.0.1
        port: {SecurePort}
        readOnlyPort: {ReadOnlyPort}
        healthzPort: 0
        podLogsDir: {PodLogsDir}
        volumePluginDir: {Path.Combine(WorkDir, "volume-plugins")}
        authentication:
          anonymous:
            enabled: true
          webhook:
            enabled: false
        authorization:
          mode: AlwaysAllow
        makeIPTablesUtilChains: false
        enableSystemLogHandler: false
        oomScoreAdj: 0
        maxOpenFiles: 20000
        failSwapOn: false
        protectKernelDefaults: true
        fileCheckFrequency: 1s
        syncFrequency: 5s
        serializeImagePulls: false
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        # Off by default in 1.32: pods with hostUsers: false and volumes[].image.
        featureGates:
          UserNamespacesSupport: true
          ImageVolume: true
        evictionHard:
          memory.available: 1Mi
          nodefs.available: 1%
          nodefs.inodesFree: 1%
          imagefs.available: 1%
        """;

    private async Task WaitHealthyAsync(Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"the kubelet exited with {process.ExitCode} while starting\n{LogTail()}");
            }
            try
            {
                if ((await http.GetStringAsync($"http://127.0.0.1:{ReadOnlyPort}/healthz")).Trim() == "ok")
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the kubelet did not answer /healthz within 60 s\n{LogTail()}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
