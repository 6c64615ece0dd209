using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Faults;

/// <summary>
/// The daemon SIGKILLed at each step of the pod sandbox RPCs, restarted, the kubelet's retry (same
/// metadata), then everything removed: the retry works, and no trace of any pod is left on the host.
/// </summary>
[Collection("faults")]
public sealed class SandboxCrashTests(ContainerImagesFixture images)
{
    /// <summary>Pid POD: a pod with pause; pid CONTAINER: one without (sandbox-init pins the namespaces itself).</summary>
    [RootTheory]
    [InlineData("run-pod.start", NamespaceMode.Pod)]
    [InlineData("run-pod.after-dirs", NamespaceMode.Pod)]
    [InlineData("run-pod.after-cgroup", NamespaceMode.Pod)]
    [InlineData("run-pod.after-pause", NamespaceMode.Pod)]
    [InlineData("run-pod.after-pins", NamespaceMode.Pod)]
    [InlineData("cni.bridge.ADD", NamespaceMode.Pod)]
    [InlineData("cni.portmap.ADD", NamespaceMode.Pod)]
    [InlineData("run-pod.after-cni", NamespaceMode.Pod)]
    [InlineData("run-pod.before-record", NamespaceMode.Pod)]
    [InlineData("run-pod.after-dirs", NamespaceMode.Container)]
    [InlineData("run-pod.after-pins", NamespaceMode.Container)]
    [InlineData("cni.bridge.ADD", NamespaceMode.Container)]
    [InlineData("run-pod.after-cni", NamespaceMode.Container)]
    public async Task RunPodSandbox_killed_at_a_step_is_retried_and_leaves_nothing(string point, NamespaceMode pid)
    {
        await using var scene = await FaultScene.StartAsync(images, point);
        var config = scene.PodConfig("run", pid: pid);
        await scene.CrashAndRestartAsync(point, () => scene.RunPodAsync(config));

        var id = await scene.RunPodAsync(config);
        var pods = await scene.PodsAsync();
        Assert.True(pods.Count == 1, $"the retry made a second pod beside the half-made one: {string.Join(", ", pods.Select(p => $"{p.Id} {p.State}"))}");
        Assert.Equal(id, pods[0].Id);
        Assert.Equal(PodSandboxState.SandboxReady, pods[0].State);

        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    /// <summary>A pod with its own user namespace (pinned beside the others) killed while it is made: the pin goes too.</summary>
    [RootTheory]
    [InlineData("run-pod.after-pause")]
    [InlineData("run-pod.after-pins")]
    [InlineData("run-pod.after-cni")]
    public async Task RunPodSandbox_with_a_user_namespace_killed_at_a_step_is_retried_and_leaves_nothing(string point)
    {
        await using var scene = await FaultScene.StartAsync(images, point);
        var config = scene.PodConfig("userns");
        var userns = new UserNamespace { Mode = NamespaceMode.Pod };
        userns.Uids.Add(new IDMapping { ContainerId = 0, HostId = 30518u * 65536u, Length = 65536 });
        userns.Gids.Add(new IDMapping { ContainerId = 0, HostId = 30518u * 65536u, Length = 65536 });
        config.Linux.SecurityContext.NamespaceOptions.UsernsOptions = userns;
        await scene.CrashAndRestartAsync(point, () => scene.RunPodAsync(config));

        var id = await scene.RunPodAsync(config);
        var pods = await scene.PodsAsync();
        Assert.True(pods.Count == 1, $"the retry made a second pod beside the half-made one: {string.Join(", ", pods.Select(p => $"{p.Id} {p.State}"))}");
        Assert.Equal(PodSandboxState.SandboxReady, pods[0].State);

        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootTheory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(200)]
    [InlineData(400)]
    public async Task RunPodSandbox_killed_after_a_delay_is_retried_and_leaves_nothing(int milliseconds)
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        var config = scene.PodConfig("timed");
        var call = scene.RunPodAsync(config);
        await Task.Delay(milliseconds);
        await scene.Daemon.KillAsync();
        await Record.ExceptionAsync(() => call);
        await scene.RestartAsync(null);

        string id;
        try
        {
            id = await scene.RunPodAsync(config);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            // The first call finished before the kill (the NativeAOT daemon runs a pod in well under 200 ms):
            // the pod exists and keeps its name, as the kubelet finds it when it relists.
            id = (await scene.PodsAsync()).Single().Id;
        }
        var pods = await scene.PodsAsync();
        Assert.True(pods.Count == 1, $"two pods after the retry: {string.Join(", ", pods.Select(p => $"{p.Id} {p.State}"))}");
        Assert.Equal(id, pods[0].Id);

        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootTheory]
    [InlineData("stop-pod.after-containers")]
    [InlineData("cni.portmap.DEL")]
    [InlineData("cni.bridge.DEL")]
    [InlineData("stop-pod.after-cni")]
    [InlineData("stop-pod.after-pause")]
    public async Task StopPodSandbox_killed_at_a_step_is_retried_and_leaves_nothing(string point)
    {
        await using var scene = await FaultScene.StartAsync(images, point);
        var config = scene.PodConfig("stop");
        var id = await scene.RunPodAsync(config);
        var container = await scene.CreateContainerAsync(id, config, scene.ContainerConfig("sleeper"));
        await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = container });
        await scene.CrashAndRestartAsync(point, async () => await scene.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }));

        await scene.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
        Assert.Equal(PodSandboxState.SandboxNotready, (await scene.PodsAsync()).Single().State);

        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootTheory]
    [InlineData("remove-pod.after-containers")]
    [InlineData("remove-pod.after-pins")]
    [InlineData("remove-pod.after-cgroups")]
    [InlineData("remove-pod.before-record")]
    public async Task RemovePodSandbox_killed_at_a_step_is_retried_and_leaves_nothing(string point)
    {
        await using var scene = await FaultScene.StartAsync(images, point);
        var config = scene.PodConfig("remove");
        var id = await scene.RunPodAsync(config);
        var container = await scene.CreateContainerAsync(id, config, scene.ContainerConfig("sleeper"));
        await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = container });
        await scene.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
        await scene.CrashAndRestartAsync(point, async () => await scene.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id }));

        await scene.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
        Assert.Empty(await scene.PodsAsync());

        await scene.AssertNothingLeftAsync();
    }
}
