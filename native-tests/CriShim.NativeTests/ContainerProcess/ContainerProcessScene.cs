using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CriShim.Native;
using CriShim.Contract;
using CriShim.NativeTests.Infrastructure;
using CriShim.Runtime.Cgroups;

namespace CriShim.NativeTests.ContainerProcess;

/// <summary>One CRI log record as the monitor wrote it.</summary>
public sealed record LogRecord(string Timestamp, string Stream, string Tag, string Content);

/// <summary>
/// A pod stand-in for driving <c>out/bin/crishim-runtime</c> directly: a busybox-static lower layer,
/// a namespace holder (<c>unshare --net --ipc --uts --pid</c> running sleep, with its own host name),
/// and a memory+pids cgroup per scene. Everything is named <c>crishim-ctrproc-*</c> so an interrupted
/// run's leftovers (processes in those cgroups, host mounts, directories) are removed by the next one.
/// </summary>
public sealed class ContainerProcessScene : IAsyncDisposable
{
    public const string Prefix = "crishim-ctrproc-";
    public const string PodHostname = "ctrproc-pod";
    private static readonly string[] Controllers = ["memory", "pids"];
    private static int _containers;

    private readonly Process _holderLauncher;

    private ContainerProcessScene(string root, Process holderLauncher, int holderPid)
    {
        Root = root;
        _holderLauncher = holderLauncher;
        HolderPid = holderPid;
    }

    public string Root { get; }

    public string Name => Path.GetFileName(Root);

    public int HolderPid { get; }

    public string Lower => Path.Combine(Root, "lower");

    public static async Task<ContainerProcessScene> StartAsync()
    {
        await CleanLeftoversAsync();
        var root = Path.Combine("/tmp", Prefix + Guid.NewGuid().ToString("N")[..8]);
        CreateBusyboxLower(Path.Combine(root, "lower"));
        File.WriteAllText(Path.Combine(root, "hosts"), "127.0.0.1 localhost\n10.99.40.2 ctrproc-pod\n");
        File.WriteAllText(Path.Combine(root, "resolv.conf"), "nameserver 10.99.40.1\n");
        File.WriteAllText(Path.Combine(root, "hostname"), PodHostname + "\n");
        Directory.CreateDirectory(Path.Combine(root, "shm"));
        foreach (var controller in Controllers)
        {
            Directory.CreateDirectory(CgroupDirectory(controller, Path.GetFileName(root)));
        }
        var info = new ProcessStartInfo("unshare", ["--net", "--ipc", "--uts", "--pid", "--fork", "--mount-proc", "sh", "-c", $"hostname {PodHostname}; exec sleep 100000"]);
        var launcher = Process.Start(info)!;
        var holder = 0;
        for (var i = 0; i < 100 && holder == 0; i++)
        {
            await Task.Delay(20);
            var children = File.ReadAllText($"/proc/{launcher.Id}/task/{launcher.Id}/children").Trim();
            if (children.Length > 0 && File.ReadAllText($"/proc/{children}/comm").Trim() == "sleep")
            {
                holder = int.Parse(children, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        Assert.True(holder != 0, "the namespace holder did not start");
        // The holder joins the scene's cgroup, so clean-up finds it with the containers.
        File.WriteAllText(CgroupDirectory("pids", Path.GetFileName(root)) + "/cgroup.procs", holder.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ContainerProcessScene(root, launcher, holder);
    }

    public static string CgroupDirectory(string controller, string name) => $"/sys/fs/cgroup/{controller}/{name}";

    public string CgroupProcsFile(string controller) => CgroupDirectory(controller, Name) + "/cgroup.procs";

    /// <summary>A container spec in this pod: new PID namespace, the pod's net/IPC/UTS, root with the default capabilities.</summary>
    public ContainerProcessSpec Spec(params string[] args)
    {
        var id = "c" + Interlocked.Increment(ref _containers);
        var directory = Path.Combine(Root, id);
        foreach (var sub in new[] { "upper", "work", "rootfs", "state" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }
        return new ContainerProcessSpec
        {
            Id = id,
            StateDirectory = Path.Combine(directory, "state"),
            Process = new ProcessSpec { Args = args, Env = ["PATH=/bin", "HOME=/root"], Capabilities = DefaultCapabilities },
            Namespaces = new ContainerNamespaces
            {
                NetworkPath = $"/proc/{HolderPid}/ns/net", IpcPath = $"/proc/{HolderPid}/ns/ipc", UtsPath = $"/proc/{HolderPid}/ns/uts",
            },
            Rootfs = new ContainerRootfs
            {
                LowerDirectories = [Lower], UpperDirectory = Path.Combine(directory, "upper"),
                WorkDirectory = Path.Combine(directory, "work"), MountPoint = Path.Combine(directory, "rootfs"),
            },
            ShmPath = Path.Combine(Root, "shm"),
            HostsPath = Path.Combine(Root, "hosts"),
            ResolvConfPath = Path.Combine(Root, "resolv.conf"),
            HostnamePath = Path.Combine(Root, "hostname"),
            // The daemon's plan: the scene's own cgroups, the test process's in the other hierarchies.
            Cgroups = new CgroupView(CgroupHierarchy.DefaultRoot).Of(Controllers.Select(c => new CgroupPlacement { Hierarchy = c, Directory = CgroupDirectory(c, Name) }).ToList()),
            OomKillCounter = new OomKillCounter { Directory = CgroupDirectory("memory", Name), Unified = false },
            LogPath = Path.Combine(directory, "container.log"),
        };
    }

    public static readonly IReadOnlyList<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public static string SpecFile(ContainerProcessSpec spec) => Path.Combine(Path.GetDirectoryName(spec.StateDirectory)!, "spec.json");

    /// <summary>Writes the spec and runs <c>container-start</c> like the daemon does.</summary>
    public static async Task<ContainerStartResult> StartAsync(ContainerProcessSpec spec)
    {
        var file = SpecFile(spec);
        await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(spec, ContainerJsonContext.Default.ContainerProcessSpec));
        var (code, output) = await Shell.TryRunBinary("crishim-runtime", "container-start", file);
        var result = JsonSerializer.Deserialize(output, ContainerJsonContext.Default.ContainerStartResult)!;
        Assert.Equal(result.Error is null ? 0 : 1, code);
        return result;
    }

    /// <summary>Starts a container that must start, waits for its exit record and returns it with the log.</summary>
    public static async Task<(ContainerExitRecord Exit, IReadOnlyList<LogRecord> Log)> RunToExitAsync(ContainerProcessSpec spec)
    {
        var started = await StartAsync(spec);
        Assert.True(started.Error is null, started.Error);
        var exit = await WaitForExitAsync(spec);
        return (exit, ReadLog(spec.LogPath!));
    }

    /// <summary>Runs a command and returns its stdout (the container must exit 0).</summary>
    public static async Task<string> OutputOfAsync(ContainerProcessSpec spec)
    {
        var (exit, log) = await RunToExitAsync(spec);
        var stdout = string.Join("\n", log.Where(r => r.Stream == "stdout").Select(r => r.Content));
        Assert.True(exit.ExitCode == 0, $"exit {exit.ExitCode}: {string.Join("\n", log.Select(r => r.Stream + ": " + r.Content))}");
        return stdout;
    }

    public static async Task<ContainerExitRecord> WaitForExitAsync(ContainerProcessSpec spec, int timeoutMs = 15000)
    {
        var file = Path.Combine(spec.StateDirectory, "exit.json");
        for (var waited = 0; !File.Exists(file); waited += 20)
        {
            Assert.True(waited < timeoutMs, $"no {file} after {timeoutMs} ms");
            await Task.Delay(20);
        }
        return JsonSerializer.Deserialize(await File.ReadAllBytesAsync(file), ContainerJsonContext.Default.ContainerExitRecord)!;
    }

    public static IReadOnlyList<LogRecord> ReadLog(string path)
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        if (text.Length == 0)
        {
            return [];
        }
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n').Select(line =>
        {
            var parts = line.Split(' ', 4);
            return new LogRecord(parts[0], parts[1], parts[2], parts[3]);
        }).ToList();
    }

    /// <summary>Runs <c>crishim-runtime exec</c> in a running container.</summary>
    public static async Task<ExecResult> ExecAsync(ContainerProcessSpec container, ContainerStartResult started, ProcessSpec process, long timeoutMs = 10000)
    {
        var exec = new ExecSpec
        {
            ContainerPid = started.Pid, ContainerStartTime = started.StartTime, Process = process,
            Cgroups = container.Cgroups, TimeoutMilliseconds = timeoutMs,
        };
        var file = Path.Combine(Path.GetDirectoryName(container.StateDirectory)!, $"exec-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(exec, ContainerJsonContext.Default.ExecSpec));
        var (_, output) = await Shell.TryRunBinary("crishim-runtime", "exec", file);
        return JsonSerializer.Deserialize(output, ContainerJsonContext.Default.ExecResult)!;
    }

    public static string ReadlinkNamespace(int pid, string kind) => new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget!;

    public async ValueTask DisposeAsync()
    {
        await RemoveAsync(Root);
        _holderLauncher.Dispose();
    }

    private static void CreateBusyboxLower(string lower)
    {
        var bin = Path.Combine(lower, "bin");
        Directory.CreateDirectory(bin);
        File.Copy(TestImages.BusyboxPath, Path.Combine(bin, "busybox"));
        foreach (var applet in TestImages.AppletNames().Where(a => a != "busybox"))
        {
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        }
        foreach (var dir in new[] { "etc", "tmp", "root", "proc", "sys", "dev" })
        {
            Directory.CreateDirectory(Path.Combine(lower, dir));
        }
        File.WriteAllText(Path.Combine(lower, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/tmp:/bin/sh\n");
    }

    /// <summary>Kills every process of the scene's cgroups (holder, containers, execs), removes them, host mounts under the root and the root.</summary>
    private static async Task RemoveAsync(string root)
    {
        var name = Path.GetFileName(root);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var pids = Controllers
                .SelectMany(c => ReadProcs(CgroupDirectory(c, name)))
                .Distinct()
                .ToList();
            if (pids.Count == 0)
            {
                break;
            }
            foreach (var pid in pids)
            {
                Processes.Signal(pid, Signals.SIGKILL);
            }
            await Task.Delay(20);
        }
        foreach (var controller in Controllers)
        {
            var directory = CgroupDirectory(controller, name);
            for (var attempt = 0; attempt < 50 && Directory.Exists(directory); attempt++)
            {
                try
                {
                    Directory.Delete(directory);
                }
                catch (IOException)
                {
                    await Task.Delay(20);
                }
            }
        }
        foreach (var mountPoint in HostMountsUnder(root).OrderByDescending(m => m.Length))
        {
            Mounts.Unmount(mountPoint);
        }
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    public static IReadOnlyList<string> HostMountsUnder(string root) =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(root + "/", StringComparison.Ordinal) || m == root)
            .ToList();

    private static IEnumerable<int> ReadProcs(string directory)
    {
        var file = Path.Combine(directory, "cgroup.procs");
        return File.Exists(file)
            ? File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToList()
            : [];
    }

    private static async Task CleanLeftoversAsync()
    {
        var names = Controllers
            .SelectMany(c => Directory.Exists($"/sys/fs/cgroup/{c}") ? Directory.GetDirectories($"/sys/fs/cgroup/{c}", Prefix + "*") : [])
            .Select(Path.GetFileName)
            .Concat(Directory.GetDirectories("/tmp", Prefix + "*").Select(Path.GetFileName))
            .Distinct();
        foreach (var name in names)
        {
            await RemoveAsync(Path.Combine("/tmp", name!));
        }
    }
}
