using System.Text.Json;
using CriShim.Contract;
using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Sandbox;

/// <summary>
/// A daemon plus what a sandbox test checks: pod configs under a cgroup parent of the test's own
/// (<c>/crishimtest-&lt;random&gt;</c>), the pause process behind a sandbox, and every trace Remove must take away.
/// </summary>
internal sealed class PodScene : IAsyncDisposable
{
    private PodScene(DaemonProcess daemon)
    {
        Daemon = daemon;
    }

    public DaemonProcess Daemon { get; }

    /// <summary>The outermost cgroup the test's pods live under; Remove must delete it as Run created it.</summary>
    public string CgroupRoot { get; } = $"/crishimtest-{Guid.NewGuid():N}"[..22];

    public static async Task<PodScene> StartAsync(params string[] daemonArgs)
    {
        RemoveStaleCgroups();
        return new(await DaemonProcess.StartAsync(daemonArgs));
    }

    /// <summary>Test cgroups an interrupted run left behind, once no process is in them (rmdir refuses otherwise).</summary>
    private static void RemoveStaleCgroups()
    {
        foreach (var stale in Directory.EnumerateDirectories("/sys/fs/cgroup").SelectMany(h => Directory.EnumerateDirectories(h, "crishimtest-*")))
        {
            foreach (var directory in Directory.EnumerateDirectories(stale, "*", SearchOption.AllDirectories).Reverse().Append(stale))
            {
                try
                {
                    Directories.RemoveEmpty(directory);
                }
                catch (ErrnoException)
                {
                    // Still in use by a live process: leave it.
                }
            }
        }
    }

    public PodSandboxConfig Config(string name, NamespaceMode network = NamespaceMode.Node, NamespaceMode pid = NamespaceMode.Pod,
        NamespaceMode ipc = NamespaceMode.Pod) => new()
    {
        Metadata = new PodSandboxMetadata { Name = name, Namespace = "native-test", Uid = $"uid-{name}", Attempt = 0 },
        Hostname = $"{name}-host",
        Labels = { ["app"] = name, ["tier"] = "test" },
        Annotations = { ["note"] = "from the native tests" },
        Linux = new LinuxPodSandboxConfig
        {
            CgroupParent = $"{CgroupRoot}/pod{name}",
            SecurityContext = new LinuxSandboxSecurityContext
            {
                NamespaceOptions = new NamespaceOption { Network = network, Pid = pid, Ipc = ipc },
            },
        },
    };

    public async Task<string> RunAsync(PodSandboxConfig config, string handler = "") =>
        (await Daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config, RuntimeHandler = handler })).PodSandboxId;

    public async Task<PodSandboxStatusResponse> StatusAsync(string id) =>
        await Daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id, Verbose = true });

    public async Task<JsonElement> InfoAsync(string id) => JsonDocument.Parse((await StatusAsync(id)).Info["info"]).RootElement;

    public async Task<int> PausePidAsync(string id) => (await InfoAsync(id)).GetProperty("pid").GetInt32();

    public async Task StopAsync(string id) => await Daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });

    public async Task RemoveAsync(string id) => await Daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });

    public string SandboxStateDir(string id) => Path.Combine(Daemon.State, "sandboxes", id);

    /// <summary>Directories of <see cref="CgroupRoot"/> in every cgroup hierarchy that exist now.</summary>
    public IReadOnlyList<string> CgroupDirectories() =>
        Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => h + CgroupRoot).Where(Directory.Exists).ToList();

    /// <summary>Mounts under <paramref name="directory"/>; for a state directory, but the helper's shared stage files, which are the daemon's, not a pod's.</summary>
    public static IReadOnlyList<string> MountsUnder(string directory) =>
        File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Split(' ')[4] is var m && m.StartsWith(directory, StringComparison.Ordinal)
            && !m.StartsWith(StageFileCopies.DirectoryIn(directory) + "/", StringComparison.Ordinal)).ToList();

    /// <summary>The namespace a process is in, as the inode link text (<c>net:[4026531840]</c>).</summary>
    public static string NamespaceOf(int pid, string kind) => new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget!;

    public static string StatusField(int pid, string field) =>
        File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split(':', 2)[1].Trim();

    /// <summary>Checks that nothing of the sandbox remains: process, mounts, state dir, record, cgroups.</summary>
    public void AssertNothingLeft(string id, ProcessIdentity? pause)
    {
        if (pause is { } p)
        {
            Assert.False(p.IsAlive, $"pause {p.Pid} still runs");
        }
        Assert.Empty(MountsUnder(Daemon.State));
        Assert.False(Directory.Exists(SandboxStateDir(id)), $"{SandboxStateDir(id)} is left");
        Assert.False(File.Exists(Path.Combine(Daemon.Root, "sandboxes", id + ".json")), "the sandbox record is left");
        Assert.Empty(CgroupDirectories());
    }

    public async ValueTask DisposeAsync()
    {
        // A failed test may leave pods; remove them so their pause processes, mounts and cgroups go too.
        try
        {
            var pods = await Daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest());
            foreach (var pod in pods.Items)
            {
                await RemoveAsync(pod.Id);
            }
        }
        finally
        {
            await Daemon.DisposeAsync();
        }
    }
}
