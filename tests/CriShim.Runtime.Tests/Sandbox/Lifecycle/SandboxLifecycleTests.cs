using System.Text.Json.Nodes;
using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox.Lifecycle;

/// <summary>
/// The pod sandbox state machine without root: the real sandbox service and record store over fake cgroups
/// (directories), a fake pod network and a fake host side whose pause is a real process. Between steps the daemon
/// "restarts": a new service over the same directories, recovered as at start-up, so each state must survive on disk.
/// </summary>
public sealed class SandboxLifecycleTests : IDisposable
{
    private readonly SandboxNode _node = new();

    [Fact]
    public async Task Run_stop_remove_with_a_daemon_restart_between_each_step()
    {
        var id = await (await _node.RestartAsync()).RunAsync(Config("web"), "", CancellationToken.None);

        var daemon = await _node.RestartAsync();
        var ready = daemon.Status(id, verbose: true);
        Assert.Equal(PodSandboxState.SandboxReady, ready.Status.State);
        Assert.Equal("10.88.0.2", ready.Status.Network.Ip);
        var pause = PauseOf(ready);
        Assert.Equal(_node.Infra.Pauses.Single(), pause);
        Assert.True(pause.IsAlive);
        Assert.Equal([(id, PodSandboxState.SandboxReady)], daemon.List(null).Select(s => (s.Id, s.State)));
        Assert.Equal([id], _node.Network.SetUps);

        await daemon.StopAsync(id, CancellationToken.None);
        Assert.Equal(PodSandboxState.SandboxNotready, daemon.Status(id, verbose: false).Status.State);
        Assert.True(Processes.WaitForExit(pause, TimeSpan.Zero));
        Assert.Equal([id], _node.Network.TearDowns);
        Assert.Empty(_node.Network.AttachedSandboxes());

        daemon = await _node.RestartAsync();
        Assert.Equal(PodSandboxState.SandboxNotready, daemon.Status(id[..12], verbose: false).Status.State);
        Assert.Equal([id], daemon.List(new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxNotready } }).Select(s => s.Id));
        await daemon.RemoveAsync(id, CancellationToken.None);

        Assert.Empty(_node.Traces());
        Assert.Throws<NotFoundException>(() => daemon.Status(id, verbose: false));
        daemon = await _node.RestartAsync();
        Assert.Empty(daemon.List(null));
        var again = await daemon.RunAsync(Config("web"), "", CancellationToken.None);
        Assert.NotEqual(id, again);
        Assert.Equal(PodSandboxState.SandboxReady, daemon.Status(again, verbose: false).Status.State);
    }

    [Fact]
    public async Task A_bad_request_is_refused_before_anything_is_acquired()
    {
        var daemon = await _node.RestartAsync();
        var refused = new (string Why, PodSandboxConfig Config)[]
        {
            ("no metadata", new PodSandboxConfig { Hostname = "web" }),
            ("no uid", With(Config("web"), c => c.Metadata.Uid = "")),
            ("hostname over 64 characters", With(Config("web"), c => c.Hostname = new string('h', 65))),
            ("malformed sysctl", With(Config("web"), c => c.Linux.Sysctls.Add("net..ipv4", "1"))),
            ("sysctl of the node", With(Config("web"), c => c.Linux.Sysctls.Add("kernel.panic", "1"))),
            ("PID namespace TARGET", With(Config("web"), c => c.Linux.SecurityContext = new LinuxSandboxSecurityContext
            {
                NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Target },
            })),
        };

        foreach (var (why, config) in refused)
        {
            var e = await Assert.ThrowsAnyAsync<CriException>(() => daemon.RunAsync(config, "", CancellationToken.None));
            Assert.True(e is InvalidArgumentException, $"{why}: {e.GetType().Name} {e.Message}");
            Assert.True(_node.Traces().Count == 0, $"{why} left {string.Join(", ", _node.Traces())}");
            Assert.Empty(_node.Infra.Pauses);
            Assert.Empty(_node.Network.SetUps);
            Assert.Empty(daemon.List(null));
        }

        // Nothing was reserved either: the same pod is accepted once its request is valid.
        var id = await daemon.RunAsync(Config("web"), "", CancellationToken.None);
        Assert.Equal(PodSandboxState.SandboxReady, (await _node.RestartAsync()).Status(id, verbose: false).Status.State);
    }

    [Theory]
    [InlineData(nameof(IPodInfraRuntime.MountShm))]
    [InlineData(nameof(IPodInfraRuntime.StartAsync))]
    [InlineData(nameof(IPodInfraRuntime.Pin))]
    [InlineData("network")]
    public async Task A_run_that_fails_at_a_step_is_rolled_back_and_can_be_retried(string failingStep)
    {
        var daemon = await _node.RestartAsync();
        if (failingStep == "network")
        {
            _node.Network.NextSetUpError = "no IP addresses available in range set";
        }
        else
        {
            _node.Infra.FailingStep = failingStep;
        }

        await Assert.ThrowsAnyAsync<Exception>(() => daemon.RunAsync(Config("web"), "", CancellationToken.None));

        Assert.Empty(_node.Traces());
        Assert.Empty(daemon.List(null));
        Assert.Empty(_node.Records);
        Assert.All(_node.Infra.Pauses, p => Assert.True(Processes.WaitForExit(p, TimeSpan.Zero), $"pause {p.Pid} still runs"));
        var id = await daemon.RunAsync(Config("web"), "", CancellationToken.None);
        Assert.Equal(PodSandboxState.SandboxReady, daemon.Status(id, verbose: false).Status.State);
    }

    [Fact]
    public async Task A_run_whose_rollback_fails_stays_NotReady_with_its_name_until_remove_finishes_it()
    {
        var daemon = await _node.RestartAsync();
        _node.Network.NextSetUpError = "no IP addresses available in range set";
        _node.Infra.FailingStep = nameof(IPodInfraRuntime.Release);

        await Assert.ThrowsAnyAsync<Exception>(() => daemon.RunAsync(Config("web"), "", CancellationToken.None));

        var left = Assert.Single(daemon.List(null));
        Assert.Equal(PodSandboxState.SandboxNotready, left.State);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => daemon.RunAsync(Config("web"), "", CancellationToken.None));
        await daemon.RemoveAsync(left.Id, CancellationToken.None);
        Assert.Empty(_node.Traces());
        var id = await daemon.RunAsync(Config("web"), "", CancellationToken.None);
        Assert.Equal(PodSandboxState.SandboxReady, daemon.Status(id, verbose: false).Status.State);
    }

    [Theory]
    [InlineData("sandbox-init")]
    [InlineData("network")]
    public async Task A_run_the_daemon_died_in_is_rolled_back_at_the_next_start_and_the_retry_succeeds(string hangingStep)
    {
        var dying = await _node.RestartAsync();
        if (hangingStep == "network")
        {
            _node.Network.NextSetUpHangs = true;
        }
        else
        {
            _node.Infra.StartHangs = true;
        }

        // The daemon dies mid-call: its service is abandoned, and nothing of the call's own undo runs.
        var run = dying.RunAsync(Config("web"), "", CancellationToken.None);
        await WaitUntilAsync(() => _node.Infra.Hanging + _node.Network.Hanging == 1);
        Assert.False(run.IsCompleted);
        Assert.Equal(PodSandboxLifecycle.Creating, _node.Records.Single().State);
        Assert.True(_node.Infra.Pauses.Single().IsAlive);

        var daemon = await _node.RestartAsync();

        Assert.Empty(_node.Traces());
        Assert.Empty(daemon.List(null));
        var id = await daemon.RunAsync(Config("web"), "", CancellationToken.None);
        Assert.Equal(PodSandboxState.SandboxReady, daemon.Status(id, verbose: false).Status.State);
    }

    [Fact]
    public async Task Stop_and_remove_are_idempotent_and_accept_unknown_ids()
    {
        var daemon = await _node.RestartAsync();
        var unknown = new string('a', 64);
        await daemon.StopAsync(unknown, CancellationToken.None);
        await daemon.RemoveAsync(unknown, CancellationToken.None);
        var id = await daemon.RunAsync(Config("web"), "", CancellationToken.None);

        await daemon.StopAsync(id, CancellationToken.None);
        await daemon.StopAsync(id, CancellationToken.None);
        daemon = await _node.RestartAsync();
        await daemon.StopAsync(id, CancellationToken.None);
        await daemon.RemoveAsync(id, CancellationToken.None);
        await daemon.RemoveAsync(id, CancellationToken.None);
        await daemon.StopAsync(id, CancellationToken.None);

        Assert.Empty(_node.Traces());
        Assert.Equal([id], _node.Network.SetUps);
        Assert.Equal([id], _node.Network.TearDowns);
    }

    [Fact]
    public async Task A_pod_whose_pause_died_while_the_daemon_was_down_is_NotReady_and_removed_cleanly()
    {
        var id = await (await _node.RestartAsync()).RunAsync(Config("web"), "", CancellationToken.None);
        var pause = _node.Infra.Pauses.Single();
        Processes.Signal(pause, Signals.SIGKILL);
        await WaitUntilAsync(() => !pause.IsAlive);

        var daemon = await _node.RestartAsync();

        Assert.Equal(PodSandboxState.SandboxNotready, daemon.Status(id, verbose: false).Status.State);
        Assert.Equal(PodSandboxLifecycle.NotReady, _node.Records.Single().State);
        Assert.Equal([id], _node.Network.AttachedSandboxes());
        await daemon.StopAsync(id, CancellationToken.None);
        Assert.Empty(_node.Network.AttachedSandboxes());
        await daemon.RemoveAsync(id, CancellationToken.None);
        Assert.Empty(_node.Traces());
    }

    [Fact]
    public async Task A_pod_without_pause_is_held_by_its_pins_and_NotReady_once_one_went_while_the_daemon_was_down()
    {
        var config = With(Config("web"), c => c.Linux.SecurityContext = new LinuxSandboxSecurityContext
        {
            NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container },
        });
        var id = await (await _node.RestartAsync()).RunAsync(config, "", CancellationToken.None);

        var daemon = await _node.RestartAsync();
        var ready = daemon.Status(id, verbose: true);
        Assert.Equal(PodSandboxState.SandboxReady, ready.Status.State);
        Assert.Equal(0, PauseOf(ready).Pid);
        Assert.Empty(_node.Infra.Pauses);

        var directory = SandboxDirectory.For(_node.Config.State, id);
        File.Delete(FakePodInfra.PinsOf(directory, NamespaceKinds.Ipc).Single());
        daemon = await _node.RestartAsync();

        Assert.Equal(PodSandboxState.SandboxNotready, daemon.Status(id, verbose: false).Status.State);
        await daemon.RemoveAsync(id, CancellationToken.None);
        Assert.Empty(_node.Traces());
    }

    [Theory]
    [InlineData("in order")]
    [InlineData("in reverse")]
    [InlineData("at once")]
    public async Task Two_pods_under_a_cgroup_parent_they_created_remove_it_with_the_last_of_them(string how)
    {
        const string parent = "/kubepods/burstable/pod-shared";
        var daemon = await _node.RestartAsync();
        var configs = new[] { Config("first", parent), Config("second", parent) };
        var ids = how == "at once"
            ? await Task.WhenAll(configs.Select(c => daemon.RunAsync(c, "", CancellationToken.None)))
            : [await daemon.RunAsync(configs[0], "", CancellationToken.None), await daemon.RunAsync(configs[1], "", CancellationToken.None)];
        Assert.Equal(["/kubepods", "/kubepods/burstable", parent], _node.Records.SelectMany(r => r.CreatedCgroupParents).Order(StringComparer.Ordinal));

        daemon = await _node.RestartAsync();
        switch (how)
        {
            case "at once":
                await Task.WhenAll(ids.Select(id => daemon.RemoveAsync(id, CancellationToken.None)));
                break;
            default:
                foreach (var id in how == "in order" ? ids : ids.Reverse())
                {
                    await daemon.RemoveAsync(id, CancellationToken.None);
                    daemon = await _node.RestartAsync();
                }
                break;
        }

        Assert.Empty(_node.Traces());
    }

    private static PodSandboxConfig Config(string name, string? cgroupParent = null) => new()
    {
        Metadata = new PodSandboxMetadata { Name = name, Namespace = "default", Uid = $"{name}-uid" },
        Hostname = name,
        Linux = new LinuxPodSandboxConfig { CgroupParent = cgroupParent ?? "" },
    };

    private static PodSandboxConfig With(PodSandboxConfig config, Action<PodSandboxConfig> change)
    {
        change(config);
        return config;
    }

    /// <summary>Pause as verbose status reports it.</summary>
    private static ProcessIdentity PauseOf(PodSandboxStatusResponse status)
    {
        var info = JsonNode.Parse(status.Info["info"])!;
        return new ProcessIdentity(info["pid"]!.GetValue<int>(), info["pauseStartTime"]!.GetValue<ulong>());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 20)
        {
            Assert.True(waited < 10_000, "the condition did not come true within 10 s");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _node.Dispose();
}
