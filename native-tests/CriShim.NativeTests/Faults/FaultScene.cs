using CriShim.Contract;
using CriShim.Native;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Faults;

[CollectionDefinition("faults")]
public sealed class FaultsCollection : ICollectionFixture<ContainerImagesFixture>;

/// <summary>
/// A daemon that can be told to SIGKILL itself at a named step (<c>CRISHIM_FAULT_KILL_AT</c>), on a
/// CNI network of its own (bridge + host-local + portmap, with a wrapper in front of each plugin that
/// kills the daemon inside ADD or DEL), under a cgroup root of its own, and the check that nothing
/// of any pod or container is left anywhere on the host.
/// </summary>
internal sealed class FaultScene : IAsyncDisposable
{
    public const string FaultVariable = "CRISHIM_FAULT_KILL_AT";
    private const string NetworkName = "crishimfault16";
    private const int HostPort = 31616;

    private FaultScene(DaemonProcess daemon, TestCniNetwork network, string image)
    {
        Daemon = daemon;
        Network = network;
        Image = image;
    }

    public DaemonProcess Daemon { get; }

    /// <summary>Where the CNI wrapper notes each kill (its stderr goes to the daemon's pipe, not the daemon's log).</summary>
    private string WrapperKills => Path.Combine(Daemon.WorkDir, "cni-wrappers", "kills.log");

    /// <summary>The daemon's warnings and errors and the last lines of its log, for failure messages.</summary>
    public string LogTail
    {
        get
        {
            var lines = Daemon.Log.Split('\n');
            var notable = lines.Where(l => l.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) || l.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal)
                || l.Contains("fault injection", StringComparison.Ordinal));
            return string.Join('\n', notable.Concat(["(last lines:)"]).Concat(lines.TakeLast(15)).Select(l => l.Length > 600 ? l[..600] : l));
        }
    }
    public TestCniNetwork Network { get; }
    public string Image { get; }
    public RuntimeService.RuntimeServiceClient Runtime => Daemon.Runtime;

    /// <summary>The outermost cgroup of the scene's pods; crishim creates it and must remove it with the last pod.</summary>
    public string CgroupRoot { get; } = $"/crishimfault-{Guid.NewGuid():N}"[..22];

    /// <summary>
    /// A scene whose daemon will kill itself at <paramref name="killAt"/> (never when null), its --root
    /// on a tmpfs of <paramref name="rootTmpfsSize"/> when given (to fill the disk).
    /// </summary>
    public static async Task<FaultScene> StartAsync(ContainerImagesFixture images, string? killAt, string? rootTmpfsSize = null)
    {
        RemoveStaleCgroups();
        var workDir = Directory.CreateTempSubdirectory("crishim-fault-").FullName;
        var wrappers = Path.Combine(workDir, "cni-wrappers");
        WriteCniWrappers(wrappers);
        var daemon = await DaemonProcess.CreateAsync(workDir, "--cni-bin-dir", $"{wrappers}:/usr/lib/cni");
        var network = await TestCniNetwork.CreateAsync(daemon.CniConfDir, workDir, NetworkName, "crishimflt16", "10.99.16.0/24");
        if (rootTmpfsSize is not null)
        {
            Directory.CreateDirectory(daemon.Root);
            await Shell.Run("mount", "-t", "tmpfs", "-o", $"size={rootTmpfsSize}", "crishimfault", daemon.Root);
        }
        await daemon.StartAsync();
        await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = images.Busybox } });
        var scene = new FaultScene(daemon, network, images.Busybox);
        if (killAt is not null)
        {
            await scene.RestartAsync(killAt);
        }
        return scene;
    }

    /// <summary>Restarts the daemon (SIGTERM) so that it kills itself at <paramref name="killAt"/>, or never when null.</summary>
    public async Task RestartAsync(string? killAt)
    {
        await Daemon.StopAsync();
        Daemon.Environment.Remove(FaultVariable);
        if (killAt is not null)
        {
            Daemon.Environment[FaultVariable] = killAt;
        }
        await Daemon.StartAsync();
    }

    /// <summary>Runs <paramref name="call"/>, which must crash the daemon; then starts it again without a kill point.</summary>
    public async Task CrashAndRestartAsync(string point, Func<Task> call)
    {
        var failure = await Record.ExceptionAsync(call);
        Assert.True(failure is RpcException, $"the call reached no kill point {point}: {failure?.ToString() ?? "it succeeded"}\n{LogTail}");
        Assert.True(await Daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)), $"the daemon still runs after {point}\n{LogTail}");
        var kills = File.Exists(WrapperKills) ? await File.ReadAllTextAsync(WrapperKills) : "";
        Assert.True(Daemon.Log.Contains($"fault injection: SIGKILL at {point}", StringComparison.Ordinal) || kills.Contains(point, StringComparison.Ordinal),
            $"the daemon ended, but not at {point}\n{LogTail}");
        await RestartAsync(null);
    }

    public PodSandboxConfig PodConfig(string name, NamespaceMode network = NamespaceMode.Pod, NamespaceMode pid = NamespaceMode.Pod)
    {
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = "fault-test", Uid = $"uid-{name}", Attempt = 0 },
            Hostname = name,
            LogDirectory = Path.Combine(Daemon.WorkDir, "logs", name),
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = $"{CgroupRoot}/pod{name}",
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = network, Pid = pid, Ipc = NamespaceMode.Pod },
                },
            },
        };
        if (network == NamespaceMode.Pod)
        {
            config.PortMappings.Add(new PortMapping { Protocol = CriShim.Protocol.V1.Protocol.Tcp, ContainerPort = 80, HostPort = HostPort, HostIp = "127.0.0.1" });
        }
        return config;
    }

    public ContainerConfig ContainerConfig(string name) => new()
    {
        Metadata = new ContainerMetadata { Name = name },
        Image = new ImageSpec { Image = Image },
        Command = { "sleep", "3600" },
        LogPath = $"{name}.log",
        Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext(), Resources = new LinuxContainerResources() },
    };

    public async Task<string> RunPodAsync(PodSandboxConfig config) =>
        (await Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config })).PodSandboxId;

    public async Task<string> CreateContainerAsync(string podId, PodSandboxConfig pod, ContainerConfig config) =>
        (await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;

    public async Task<IReadOnlyList<PodSandbox>> PodsAsync() => (await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items;

    public async Task<IReadOnlyList<Protocol.V1.Container>> ContainersAsync() => (await Runtime.ListContainersAsync(new ListContainersRequest())).Containers;

    /// <summary>Fills the file system of --root (a tmpfs) to the last byte; returns the filler to delete.</summary>
    public string FillRoot()
    {
        var filler = Path.Combine(Daemon.Root, "filler");
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                stream.Write(chunk);
                stream.Flush();
            }
        }
        catch (IOException)
        {
        }
        // Also the last partial block, so even a tiny record cannot be written.
        try
        {
            while (true)
            {
                stream.Write(chunk, 0, 1);
                stream.Flush();
            }
        }
        catch (IOException)
        {
        }
        return filler;
    }

    /// <summary>Stops and removes every pod (and so every container) as the kubelet would.</summary>
    public async Task RemoveEverythingAsync()
    {
        foreach (var pod in await PodsAsync())
        {
            await Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod.Id });
            await Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        }
        foreach (var container in await ContainersAsync())
        {
            await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = container.Id });
        }
    }

    /// <summary>Everything a pod or container may hold, each checked on the host itself.</summary>
    public async Task AssertNothingLeftAsync()
    {
        var problems = new List<string>();
        problems.AddRange(ProcessesInScene().Select(p => $"process {p}"));
        // The helper's shared stage files are the daemon's, not any pod's: they stay until it stops.
        var stageFiles = StageFileCopies.DirectoryIn(Daemon.State) + "/";
        problems.AddRange(File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(Daemon.WorkDir, StringComparison.Ordinal) && m != Daemon.Root && !m.StartsWith(stageFiles, StringComparison.Ordinal))
            .Select(m => $"mount {m}"));
        problems.AddRange(Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => h + CgroupRoot).Where(Directory.Exists).Select(c => $"cgroup {c}"));
        problems.AddRange(Network.AllocatedIps().Select(ip => $"host-local address {ip}"));
        var marker = $"dnat name: \\\"{NetworkName}\\\"";
        problems.AddRange((await PortmapRules.NatRulesAsync()).Where(r => r.Contains(marker, StringComparison.Ordinal)).Select(r => $"iptables {r}"));
        var ports = await Network.BridgePortsAsync();
        if (ports.Contains(" master ", StringComparison.Ordinal))
        {
            problems.Add($"veths on the bridge: {ports}");
        }
        problems.AddRange(Entries(Daemon.State, "sandboxes"));
        problems.AddRange(Entries(Daemon.State, "containers"));
        problems.AddRange(Entries(Daemon.Root, "sandboxes").Where(e => !e.EndsWith("/quarantine", StringComparison.Ordinal)));
        problems.AddRange(Entries(Daemon.Root, "cni"));
        problems.AddRange(Entries(Daemon.Root, "containers").Where(e => !e.EndsWith("/metadata", StringComparison.Ordinal) && !e.EndsWith("/status", StringComparison.Ordinal)));
        problems.AddRange(Entries(Daemon.Root, "containers/metadata"));
        problems.AddRange(Entries(Daemon.Root, "containers/status"));
        Assert.True(problems.Count == 0, $"left behind:\n  {string.Join("\n  ", problems)}\n{LogTail}");
    }

    /// <summary>Pause, monitors and container processes of this scene: in its cgroups, or started with its directories.</summary>
    private IEnumerable<string> ProcessesInScene()
    {
        var daemon = Daemon.IsRunning ? Daemon.Pid : 0;
        foreach (var proc in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            string cgroup, cmdline;
            try
            {
                cgroup = File.ReadAllText(Path.Combine(proc, "cgroup"));
                cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var pid = int.Parse(Path.GetFileName(proc));
            if (ProcessIdentity.Find(pid) is null || pid == daemon || cmdline.Contains("/cni-wrappers/", StringComparison.Ordinal))
            {
                continue; // a zombie about to be reaped, the daemon itself, or the CNI wrapper that just killed it
            }
            if (cgroup.Contains(CgroupRoot, StringComparison.Ordinal) || cmdline.Contains(Daemon.WorkDir, StringComparison.Ordinal))
            {
                yield return $"{Path.GetFileName(proc)} {cmdline.Trim()}";
            }
        }
    }

    private static IEnumerable<string> Entries(string root, string relative)
    {
        var directory = Path.Combine(root, relative);
        return Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory) : [];
    }

    /// <summary>
    /// One script, copied under each plugin's name, that runs the real plugin and then SIGKILLs its
    /// parent (the daemon) when <c>CRISHIM_FAULT_KILL_AT</c> is <c>cni.&lt;plugin&gt;.&lt;COMMAND&gt;</c>:
    /// the plugin's work is done, the daemon never hears of it.
    /// </summary>
    private static void WriteCniWrappers(string directory)
    {
        Directory.CreateDirectory(directory);
        const string script = """
            #!/bin/sh
            plugin=$(basename "$0")
            out=$(/usr/lib/cni/"$plugin")
            code=$?
            if [ "$CRISHIM_FAULT_KILL_AT" = "cni.$plugin.$CNI_COMMAND" ]; then
              echo "fault injection: SIGKILL at cni.$plugin.$CNI_COMMAND" >> "$(dirname "$0")/kills.log"
              kill -9 "$PPID"
              sleep 1
            fi
            printf '%s\n' "$out"
            exit $code
            """;
        foreach (var plugin in new[] { "bridge", "host-local", "portmap", "loopback" })
        {
            var path = Path.Combine(directory, plugin);
            File.WriteAllText(path, script + "\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
    }

    /// <summary>Empty cgroups an interrupted run of this suite left (rmdir refuses ones with processes).</summary>
    private static void RemoveStaleCgroups()
    {
        foreach (var stale in Directory.EnumerateDirectories("/sys/fs/cgroup").SelectMany(h => Directory.EnumerateDirectories(h, "crishimfault-*")))
        {
            foreach (var directory in Directory.EnumerateDirectories(stale, "*", SearchOption.AllDirectories).Reverse().Append(stale))
            {
                try
                {
                    Directories.RemoveEmpty(directory);
                }
                catch (ErrnoException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Daemon.IsRunning)
            {
                await RemoveEverythingAsync();
            }
        }
        finally
        {
            await Daemon.StopAsync();
            await RemoveLeaksAsync();
            await Network.DisposeAsync();
            await Daemon.DisposeAsync();
        }
    }

    /// <summary>What a failed test found left behind goes too, so one failure does not leak into the host or the next test.</summary>
    private async Task RemoveLeaksAsync()
    {
        foreach (var leak in ProcessesInScene())
        {
            Tmds.Linux.LibC.kill(int.Parse(leak.Split(' ')[0]), Tmds.Linux.LibC.SIGKILL);
        }
        await Task.Delay(200);
        foreach (var mount in File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
                     .Where(m => m.StartsWith(Daemon.WorkDir, StringComparison.Ordinal)).Reverse())
        {
            await Shell.TryRun("umount", "-l", mount);
        }
        RemoveStaleCgroups();
    }
}
