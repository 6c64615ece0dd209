using CriShim.KubeletTests.Infrastructure;

namespace CriShim.KubeletTests;

// Init containers one after the other, a failing one retried with back-off, and native sidecars.
public sealed partial class KubeletScenarios
{
    [KubeletFact]
    public async Task Init_containers_run_to_completion_in_order_before_the_app()
    {
        var pod = await Node.WaitRunningAsync("init-order");

        var (first, second) = (pod.Container("first"), pod.Container("second"));
        Assert.Equal((0, "Completed"), (first.State.ExitCode, first.State.Reason));
        Assert.Equal((0, "Completed"), (second.State.ExitCode, second.State.Reason));
        Assert.True(first.State.FinishedAt <= second.State.StartedAt, $"first {first.State}, second {second.State}");
        Assert.True(second.State.FinishedAt <= pod.Container("app").State.StartedAt, $"second {second.State}, app {pod.Container("app").State}");
        await Node.WaitLogAsync("init-order", "app", "order: first second\n");
    }

    [KubeletFact]
    public async Task A_failing_init_container_is_retried_with_back_off_and_the_app_never_starts()
    {
        var pod = await Node.WaitPodAsync("init-fails", p => p.Has("failing") && p.Container("failing").RestartCount >= 2,
            "retried twice", seconds: 90);

        Assert.Equal("Pending", pod.Phase);
        var failing = pod.Container("failing");
        Assert.True(failing.State.WaitingReason == "CrashLoopBackOff" || failing.LastState.ExitCode == 7, failing.ToString());
        Assert.Equal(7, failing.LastState.ExitCode ?? failing.State.ExitCode);
        Assert.Equal("PodInitializing", pod.Container("app").State.WaitingReason);
        Assert.Contains("back-off 10s restarting failed container=failing", Node.Kubelet.Log);
        Assert.Contains("back-off 20s restarting failed container=failing", Node.Kubelet.Log);
        var containers = await Node.ContainersOfAsync(pod.Uid);
        Assert.DoesNotContain(containers, c => c.Metadata.Name == "app");
        Assert.Contains(containers, c => c.Metadata.Name == "failing" && c.Metadata.Attempt >= 2);
    }

    [KubeletFact]
    public async Task A_native_sidecar_starts_before_the_next_init_container_and_keeps_running()
    {
        var pod = await Node.WaitPodAsync("sidecar",
            p => p.Phase == "Running" && p.Has("app") && p.Container("app").State.Running, "running with its app");

        var proxy = pod.InitContainers.Single(c => c.Name == "proxy");
        Assert.True(proxy.State.Running && proxy.Started, proxy.ToString());
        Assert.Equal(0, proxy.RestartCount);
        Assert.Equal((0, "Completed"), (pod.Container("after-proxy").State.ExitCode, pod.Container("after-proxy").State.Reason));
        await Node.WaitLogAsync("sidecar", "app", "from-the-sidecar");
    }
}
