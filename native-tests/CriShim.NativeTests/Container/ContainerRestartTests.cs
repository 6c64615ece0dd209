using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Container;

/// <summary>The daemon is not the containers' parent: restarting it loses neither running containers nor exits.</summary>
[Collection("containers")]
public sealed class ContainerRestartTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task A_container_keeps_running_across_a_restart_and_one_that_exits_meanwhile_reports_its_code()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("restart");
        var runner = await scene.RunAsync(pod, podConfig, scene.Config("runner", "sleep", "1000"));
        var leaver = await scene.RunAsync(pod, podConfig, scene.Config("leaver", "sh", "-c", "sleep 2; exit 42"));
        var pid = (await scene.InfoAsync(runner)).GetProperty("pid").GetInt32();

        await scene.Daemon.StopAsync();
        await Task.Delay(3000);
        await scene.Daemon.StartAsync();

        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(runner)).State);
        Assert.True(Directory.Exists($"/proc/{pid}"));
        var left = await scene.StatusAsync(leaver);
        Assert.Equal((ContainerState.ContainerExited, 42, "Error"), (left.State, left.ExitCode, left.Reason));

        await scene.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = runner, Timeout = 5 });
        Assert.Equal(ContainerState.ContainerExited, (await scene.StatusAsync(runner)).State);
    }

    [RootFact]
    public async Task Stop_and_remove_pod_sandbox_take_the_containers_with_them()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("podgone");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("inpod", "sleep", "1000"));
        var pid = (await scene.InfoAsync(id)).GetProperty("pid").GetInt32();

        await scene.Pods.StopAsync(pod);
        Assert.Equal(ContainerState.ContainerExited, (await scene.StatusAsync(id)).State);
        Assert.False(Directory.Exists($"/proc/{pid}"));

        await scene.Pods.RemoveAsync(pod);
        Assert.Empty((await scene.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        Assert.False(Directory.Exists(Path.Combine(scene.Daemon.Root, "containers", id)));
        scene.Pods.AssertNothingLeft(pod, null);
    }
}
