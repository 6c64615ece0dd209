using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Container;

/// <summary>Create, start, stop, remove, status and list through the real daemon, as the kubelet calls them.</summary>
[Collection("containers")]
public sealed class ContainerLifecycleTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task A_container_runs_writes_its_log_and_reports_exit_code_and_reason()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("life");

        var ok = await scene.RunAsync(pod, podConfig, scene.Config("ok", "sh", "-c", "echo out; echo err >&2; printf partial"));
        var failed = await scene.RunAsync(pod, podConfig, scene.Config("failed", "sh", "-c", "exit 3"));

        var okStatus = await scene.WaitExitedAsync(ok);
        Assert.Equal((0, "Completed"), (okStatus.ExitCode, okStatus.Reason));
        Assert.True(okStatus.StartedAt > 0 && okStatus.FinishedAt >= okStatus.StartedAt && okStatus.CreatedAt <= okStatus.StartedAt);
        Assert.Equal(Path.Combine(scene.LogDirectory, "life", "ok/0.log"), okStatus.LogPath);
        Assert.Equal("out\npartial", ContainerScene.LogContent(okStatus.LogPath).TrimEnd('\n'));
        Assert.Equal("err\n", ContainerScene.LogContent(okStatus.LogPath, "stderr"));
        Assert.Equal("native test", okStatus.Annotations["note"]);
        Assert.Equal(scene.Image, okStatus.Image.Image);
        Assert.StartsWith("sha256:", okStatus.ImageRef);

        var failedStatus = await scene.WaitExitedAsync(failed);
        Assert.Equal((3, "Error"), (failedStatus.ExitCode, failedStatus.Reason));
    }

    [RootFact]
    public async Task A_host_pid_container_runs_logs_and_exits()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("hostpid", pid: NamespaceMode.Node);
        var config = scene.Config("hostpid", "sh", "-c", "echo $$ > /dev/null; test -d /proc/1 && echo sees-host-init; exit 5");
        config.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Node };

        var id = await scene.RunAsync(pod, podConfig, config);

        var status = await scene.WaitExitedAsync(id);
        Assert.Equal((5, "Error"), (status.ExitCode, status.Reason));
        Assert.Equal("sees-host-init\n", ContainerScene.LogContent(status.LogPath));
    }

    [RootFact]
    public async Task Starting_twice_is_failed_precondition_and_stop_and_remove_are_idempotent()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("twice");
        // As PID 1 of its PID namespace, a process without a TERM handler never sees SIGTERM, so trap it.
        var id = await scene.RunAsync(pod, podConfig, scene.Config("sleeper", "sh", "-c", "trap 'exit 143' TERM; while true; do sleep 1; done"));
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
        var pid = (await scene.InfoAsync(id)).GetProperty("pid").GetInt32();

        var again = await Assert.ThrowsAsync<RpcException>(async () => await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);

        await scene.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 10 });
        var stopped = await scene.StatusAsync(id);
        Assert.Equal(ContainerState.ContainerExited, stopped.State);
        Assert.Equal(128 + 15, stopped.ExitCode);
        Assert.False(Directory.Exists($"/proc/{pid}"), "the container process still runs after StopContainer returned");
        await scene.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 10 });

        await scene.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        await scene.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        var gone = await Assert.ThrowsAsync<RpcException>(async () => await scene.StatusAsync(id));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(scene.Daemon.Root, "containers", id)));
        Assert.False(Directory.Exists(Path.Combine(scene.Daemon.State, "containers", id)));
    }

    [RootFact]
    public async Task Removing_the_image_of_a_container_keeps_its_layers_until_the_container_is_removed()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("keeplayers");
        var id = await scene.CreateAsync(pod, podConfig, scene.Config("keeper", "sh", "-c", "echo still-here"));
        var layers = Directory.GetDirectories(Path.Combine(scene.Daemon.Root, "layers"));
        Assert.NotEmpty(layers);

        await scene.Daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = scene.Image } });

        Assert.All(layers, l => Assert.True(Directory.Exists(l), $"{l} was collected while a container uses it"));
        await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var exited = await scene.WaitExitedAsync(id);
        Assert.Equal(0, exited.ExitCode);

        await scene.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        await scene.Daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = scene.Image } });
        await scene.Daemon.RestartAsync();

        Assert.All(layers, l => Assert.False(Directory.Exists(l), $"{l} outlived its last user"));
    }

    [RootFact]
    public async Task A_process_ignoring_the_stop_signal_is_killed_after_the_timeout()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("stubborn");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("stubborn", "sh", "-c", "trap '' TERM; while true; do sleep 1; done"));
        await Task.Delay(300);

        var started = DateTime.UtcNow;
        await scene.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 2 });

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.9));
        var status = await scene.StatusAsync(id);
        Assert.Equal((ContainerState.ContainerExited, 128 + 9), (status.State, status.ExitCode));
    }

    [RootFact]
    public async Task Unknown_image_is_not_found_and_a_duplicate_name_is_already_exists()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("errors");
        var missing = scene.Config("missing", "true");
        missing.Image.Image = "127.0.0.1:1/not/pulled:1";

        var notFound = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, missing));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);

        var first = await scene.CreateAsync(pod, podConfig, scene.Config("dup", "true"));
        var duplicate = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, scene.Config("dup", "true")));
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
        Assert.Contains(first, duplicate.Status.Detail);

        var seccomp = scene.Config("seccomp", "true");
        seccomp.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.Localhost, LocalhostRef = "relative.json" };
        var refused = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, seccomp));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);

        var listed = await scene.Runtime.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = pod } });
        Assert.Equal([first], listed.Containers.Select(c => c.Id));
        Assert.Equal(ContainerState.ContainerCreated, listed.Containers[0].State);
    }
}
