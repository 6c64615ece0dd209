using System.Text.Json.Nodes;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Container.Lifecycle;

/// <summary>
/// The container state machine without root: the real lifecycle and inspection services over fake cgroups (directories)
/// and a fake runtime whose monitor is a real process writing the real state files. Between steps the daemon
/// "restarts": new services over the same directories, recovered as at start-up, so each state must survive on disk.
/// </summary>
public sealed class ContainerLifecycleTests : IDisposable
{
    private const string Pod = ContainerNode.PodId;
    private readonly ContainerNode _node = new();

    [Fact]
    public async Task Create_start_exit_remove_with_a_daemon_restart_between_each_step()
    {
        var trigger = _node.Combine("exit-now");
        var id = await (await _node.RestartAsync()).Lifecycle.CreateAsync(Pod, Config("web", ["/bin/sh", "-c", "while [ ! -e \"$0\" ]; do sleep 0.02; done; exit 3", trigger]));

        var daemon = await _node.RestartAsync();
        var created = daemon.Inspection.Status(id, verbose: false).Status;
        Assert.Equal(ContainerState.ContainerCreated, created.State);
        Assert.Equal(FakeImages.Reference, created.Image.Image);
        Assert.Equal(0, created.User.Linux.Uid);
        await daemon.Lifecycle.StartAsync(id);

        daemon = await _node.RestartAsync();
        var running = daemon.Inspection.Status(id, verbose: false).Status;
        Assert.Equal(ContainerState.ContainerRunning, running.State);
        Assert.True(running.StartedAt > 0);
        Assert.True(ProcessOf(daemon, id).IsAlive);

        // The command ends while no daemon looks: the monitor's exit.json is all the next one has.
        File.WriteAllText(trigger, "");
        await WaitForExitRecordAsync(id);
        daemon = await _node.RestartAsync();
        var exited = daemon.Inspection.Status(id, verbose: false).Status;
        Assert.Equal(ContainerState.ContainerExited, exited.State);
        Assert.Equal(3, exited.ExitCode);
        Assert.Equal("Error", exited.Reason);
        Assert.True(exited.FinishedAt >= exited.StartedAt);

        daemon = await _node.RestartAsync();
        await daemon.Lifecycle.RemoveAsync(id);
        Assert.Empty(_node.TracesOf(id));

        daemon = await _node.RestartAsync();
        Assert.Throws<NotFoundException>(() => daemon.Inspection.Status(id, verbose: false));
        await daemon.Lifecycle.RemoveAsync(id);
        Assert.NotEqual(id, await daemon.Lifecycle.CreateAsync(Pod, Config("web", ["/bin/true"])));
    }

    [Fact]
    public async Task Stopping_an_exited_container_changes_nothing()
    {
        var daemon = await _node.RestartAsync();
        var id = await daemon.Lifecycle.CreateAsync(Pod, Config("job", ["/bin/sh", "-c", "exit 7"]));
        await daemon.Lifecycle.StartAsync(id);
        await WaitForExitRecordAsync(id);

        daemon = await _node.RestartAsync();
        await daemon.Lifecycle.StopAsync(id, timeoutSeconds: 10);
        await daemon.Lifecycle.StopAsync(id, timeoutSeconds: 0);

        var status = (await _node.RestartAsync()).Inspection.Status(id, verbose: false).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(7, status.ExitCode);
    }

    [Fact]
    public async Task Stop_sends_the_stop_signal_and_returns_with_the_exit_recorded()
    {
        var daemon = await _node.RestartAsync();
        var id = await daemon.Lifecycle.CreateAsync(Pod, Config("web", ["/bin/sleep", "1000"]));
        await daemon.Lifecycle.StartAsync(id);

        daemon = await _node.RestartAsync();
        await daemon.Lifecycle.StopAsync(id, timeoutSeconds: 10);

        var status = daemon.Inspection.Status(id, verbose: false).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(128 + 15, status.ExitCode);
        Assert.Throws<FailedPreconditionException>(() => daemon.Lifecycle.StartAsync(id).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task Removing_a_running_container_kills_it_and_leaves_nothing()
    {
        var daemon = await _node.RestartAsync();
        var id = await daemon.Lifecycle.CreateAsync(Pod, Config("web", ["/bin/sleep", "1000"]));
        await daemon.Lifecycle.StartAsync(id);
        var process = ProcessOf(daemon, id);

        daemon = await _node.RestartAsync();
        await daemon.Lifecycle.RemoveAsync(id);

        Assert.False(process.IsAlive);
        Assert.Empty(_node.TracesOf(id));
        Assert.Empty((await _node.RestartAsync()).Inspection.List(null).Containers);
    }

    [Fact]
    public async Task A_container_whose_monitor_died_without_a_record_is_exited_Unknown_after_a_restart()
    {
        var daemon = await _node.RestartAsync();
        var id = await daemon.Lifecycle.CreateAsync(Pod, Config("web", ["/bin/sleep", "1000"]));
        await daemon.Lifecycle.StartAsync(id);
        var info = JsonNode.Parse(daemon.Inspection.Status(id, verbose: true).Info["info"])!;
        // The node's processes die at once (a reboot, an OOM kill of the monitor): nobody writes exit.json.
        foreach (var pid in new[] { info["monitorPid"]!.GetValue<int>(), info["pid"]!.GetValue<int>() })
        {
            var process = ProcessIdentity.Find(pid)!.Value;
            Processes.Signal(process, Signals.SIGKILL);
            Assert.True(Processes.WaitForExit(process, TimeSpan.FromSeconds(10)));
        }

        daemon = await _node.RestartAsync();

        var status = daemon.Inspection.Status(id, verbose: false).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(ContainerStateObservation.UnknownExitCode, status.ExitCode);
        Assert.Equal("Unknown", status.Reason);
        await daemon.Lifecycle.RemoveAsync(id);
        Assert.Empty(_node.TracesOf(id));
    }

    [Fact]
    public async Task A_start_the_runtime_refuses_leaves_the_container_exited_with_StartError()
    {
        var daemon = await _node.RestartAsync();
        var id = await daemon.Lifecycle.CreateAsync(Pod, Config("web", ["/no/such/command"]));
        _node.Runtime.NextStartError = "exec /no/such/command: no such file or directory";

        await Assert.ThrowsAsync<FailedPreconditionException>(() => daemon.Lifecycle.StartAsync(id));

        var status = (await _node.RestartAsync()).Inspection.Status(id, verbose: false).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(ContainerStateObservation.StartErrorExitCode, status.ExitCode);
        Assert.Equal("StartError", status.Reason);
    }

    [Fact]
    public async Task A_create_interrupted_by_a_crash_is_rolled_back_at_the_next_start()
    {
        var id = await (await _node.RestartAsync()).Lifecycle.CreateAsync(Pod, Config("web", ["/bin/true"]));
        // What a crash before the last step of CreateContainer leaves: everything acquired, the record still creating.
        new ContainerStore(Path.Combine(_node.Config.Root, "containers"), NullLogger.Instance).Update(id, s => s with { Creating = true });
        Assert.NotEmpty(_node.TracesOf(id));

        var daemon = await _node.RestartAsync();

        Assert.Empty(_node.TracesOf(id));
        Assert.Throws<NotFoundException>(() => daemon.Inspection.Status(id, verbose: false));
        await daemon.Lifecycle.CreateAsync(Pod, Config("web", ["/bin/true"]));
    }

    [Fact]
    public async Task A_bad_request_is_refused_before_anything_is_acquired()
    {
        var daemon = await _node.RestartAsync();
        var volume = _node.Combine("volumes", "data");
        ContainerConfig WithVolume(ContainerConfig config)
        {
            config.Mounts.Add(new Mount { ContainerPath = "/data", HostPath = volume });
            return config;
        }
        var refused = new (string Why, string PodId, ContainerConfig? Config)[]
        {
            ("no config", Pod, null),
            ("no name", Pod, new ContainerConfig { Image = new ImageSpec { Image = FakeImages.Reference } }),
            ("unknown pod", "no-such-pod", WithVolume(Config("web", ["/bin/true"]))),
            ("unknown image", Pod, WithVolume(new ContainerConfig { Metadata = new ContainerMetadata { Name = "web" }, Image = new ImageSpec { Image = "example.test/none:1" } })),
            ("user not in the image", Pod, WithVolume(Config("web", ["/bin/true"], runAsUser: "nobody-here"))),
            ("working directory is a file", Pod, WithVolume(Config("web", ["/bin/true"], workingDir: "/etc/hostname"))),
            ("mount into /proc", Pod, WithVolume(Config("web", ["/bin/true"], mount: new Mount { ContainerPath = "/proc/sys", HostPath = _node.Combine("sys") }))),
            ("device that is not one", Pod, WithVolume(Config("web", ["/bin/true"], device: new Device { HostPath = _node.Combine("layer", "etc", "passwd") }))),
        };

        foreach (var (why, podId, config) in refused)
        {
            var e = await Assert.ThrowsAnyAsync<CriException>(() => daemon.Lifecycle.CreateAsync(podId, config));
            Assert.True(e is InvalidArgumentException or NotFoundException, $"{why}: {e.GetType().Name} {e.Message}");
            Assert.True(_node.AllTraces().Count == 0, $"{why} left {string.Join(", ", _node.AllTraces())}");
            Assert.False(Directory.Exists(volume), $"{why} created the volume directory");
            Assert.Empty(daemon.Inspection.List(null).Containers);
        }

        // Nothing was reserved either: the name is free, and the volume directory is made for a valid request.
        var id = await daemon.Lifecycle.CreateAsync(Pod, WithVolume(Config("web", ["/bin/true"])));
        Assert.True(Directory.Exists(volume));
        Assert.Equal(ContainerState.ContainerCreated, (await _node.RestartAsync()).Inspection.Status(id, verbose: false).Status.State);
    }

    private static ContainerConfig Config(string name, string[] command, string? runAsUser = null, string? workingDir = null, Mount? mount = null, Device? device = null)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = FakeImages.Reference },
            Command = { command },
            LogPath = name + ".log",
            WorkingDir = workingDir ?? "",
        };
        if (runAsUser is not null)
        {
            config.Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext { RunAsUsername = runAsUser } };
        }
        if (mount is not null)
        {
            config.Mounts.Add(mount);
        }
        if (device is not null)
        {
            config.Devices.Add(device);
        }
        return config;
    }

    /// <summary>The container process as verbose status reports it.</summary>
    private static ProcessIdentity ProcessOf(ContainerNode.Daemon daemon, string id)
    {
        var pid = JsonNode.Parse(daemon.Inspection.Status(id, verbose: true).Info["info"])!["pid"]!.GetValue<int>();
        return ProcessIdentity.Find(pid) ?? new ProcessIdentity(pid, 0);
    }

    private async Task WaitForExitRecordAsync(string id)
    {
        var exit = Path.Combine(_node.Config.State, "containers", id, ContainerStateFiles.Exit);
        for (var waited = 0; !File.Exists(exit); waited += 20)
        {
            Assert.True(waited < 10_000, $"the monitor wrote no {exit}");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _node.Dispose();
}
