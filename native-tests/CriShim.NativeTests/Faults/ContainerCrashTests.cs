using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Faults;

/// <summary>
/// The daemon SIGKILLed at each step of the container RPCs (and while the runtime helper starts the
/// container), restarted, the kubelet's retry, then the pod removed: nothing is left on the host.
/// </summary>
[Collection("faults")]
public sealed class ContainerCrashTests(ContainerImagesFixture images)
{
    [RootTheory]
    [InlineData("create-container.start")]
    [InlineData("create-container.after-dirs")]
    [InlineData("create-container.after-cgroup")]
    [InlineData("create-container.before-record")]
    public async Task CreateContainer_killed_at_a_step_is_retried_and_leaves_nothing(string point)
    {
        await using var scene = await FaultScene.StartAsync(images, point);
        var pod = scene.PodConfig("create");
        var podId = await scene.RunPodAsync(pod);
        var config = scene.ContainerConfig("app");
        await scene.CrashAndRestartAsync(point, () => scene.CreateContainerAsync(podId, pod, config));

        await AssertRetryRunsAsync(scene, podId, pod, config);
        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootTheory]
    [InlineData(0)]
    [InlineData(20)]
    public async Task CreateContainer_killed_after_a_delay_is_retried_and_leaves_nothing(int milliseconds)
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        var pod = scene.PodConfig("create-timed");
        var podId = await scene.RunPodAsync(pod);
        var config = scene.ContainerConfig("app");
        var call = scene.CreateContainerAsync(podId, pod, config);
        await Task.Delay(milliseconds);
        await scene.Daemon.KillAsync();
        await Record.ExceptionAsync(() => call);
        await scene.RestartAsync(null);

        if ((await scene.ContainersAsync()).Count == 0)
        {
            await AssertRetryRunsAsync(scene, podId, pod, config);
        }
        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootTheory]
    [InlineData("start-container.start")]
    [InlineData("helper.container-start")]
    [InlineData("start-container.after-helper")]
    public async Task StartContainer_killed_at_a_step_is_retried_and_leaves_nothing(string point)
    {
        await using var scene = await FaultScene.StartAsync(images, point);
        var pod = scene.PodConfig("start");
        var podId = await scene.RunPodAsync(pod);
        var id = await scene.CreateContainerAsync(podId, pod, scene.ContainerConfig("app"));
        await scene.CrashAndRestartAsync(point, async () => await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }));

        await StartUnlessStartedAsync(scene, id);
        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootTheory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(100)]
    public async Task StartContainer_killed_after_a_delay_leaves_nothing(int milliseconds)
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        var pod = scene.PodConfig("start-timed");
        var podId = await scene.RunPodAsync(pod);
        var id = await scene.CreateContainerAsync(podId, pod, scene.ContainerConfig("app"));
        var call = scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }).ResponseAsync;
        await Task.Delay(milliseconds);
        await scene.Daemon.KillAsync();
        await Record.ExceptionAsync(() => call);
        await scene.RestartAsync(null);

        await StartUnlessStartedAsync(scene, id);
        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootTheory]
    [InlineData("stop-container.after-intent")]
    [InlineData("stop-container.after-kill")]
    public async Task StopContainer_killed_at_a_step_is_retried_and_leaves_nothing(string point)
    {
        await using var scene = await FaultScene.StartAsync(images, point);
        var pod = scene.PodConfig("stop-container");
        var podId = await scene.RunPodAsync(pod);
        var id = await scene.CreateContainerAsync(podId, pod, scene.ContainerConfig("app"));
        await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        await scene.CrashAndRestartAsync(point, async () => await scene.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 1 }));

        await scene.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 1 });
        Assert.Equal(ContainerState.ContainerExited, (await scene.ContainersAsync()).Single().State);
        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootTheory]
    [InlineData("remove-container.after-cgroup")]
    public async Task RemoveContainer_killed_at_a_step_is_retried_and_leaves_nothing(string point)
    {
        await using var scene = await FaultScene.StartAsync(images, point);
        var pod = scene.PodConfig("remove-container");
        var podId = await scene.RunPodAsync(pod);
        var id = await scene.CreateContainerAsync(podId, pod, scene.ContainerConfig("app"));
        await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        await scene.CrashAndRestartAsync(point, async () => await scene.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }));

        await scene.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        Assert.Empty(await scene.ContainersAsync());
        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    /// <summary>The kubelet's retry of CreateContainer (same metadata) gives one container, which runs.</summary>
    private static async Task AssertRetryRunsAsync(FaultScene scene, string podId, PodSandboxConfig pod, ContainerConfig config)
    {
        var id = await scene.CreateContainerAsync(podId, pod, config);
        var containers = await scene.ContainersAsync();
        Assert.True(containers.Count == 1, $"the retry made a second container: {string.Join(", ", containers.Select(c => $"{c.Id} {c.State}"))}");
        await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        Assert.Equal(ContainerState.ContainerRunning, (await scene.ContainersAsync()).Single().State);
    }

    /// <summary>The kubelet starts a container that is still CREATED after the crash; one the crash left running stays so.</summary>
    private static async Task StartUnlessStartedAsync(FaultScene scene, string id)
    {
        var state = (await scene.ContainersAsync()).Single().State;
        if (state == ContainerState.ContainerCreated)
        {
            await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            state = (await scene.ContainersAsync()).Single().State;
        }
        Assert.True(state is ContainerState.ContainerRunning or ContainerState.ContainerExited, $"container is {state} after the crash and retry");
    }
}
