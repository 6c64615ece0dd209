using CriShim.KubeletTests.Infrastructure;

namespace CriShim.KubeletTests;

// Readiness and liveness probes over HTTP (the kubelet connects to the pod IP) and exec (ExecSync through
// crishim): readiness follows the probe both ways, a failing liveness probe gets the container restarted.
public sealed partial class KubeletScenarios
{
    [KubeletFact]
    public async Task Readiness_follows_exec_and_http_probes_both_ways()
    {
        var pod = await Node.WaitPodAsync("probes", p => p.Ready, "ready");
        var worker = pod.Container("worker").ContainerId;
        var web = pod.Container("web").ContainerId;
        var restarts = (pod.Container("web").RestartCount, pod.Container("worker").RestartCount);

        await Node.ExecAsync(worker, "rm", "/tmp/ready");
        await Node.WaitPodAsync("probes", p => !p.Ready && !p.Container("worker").Ready && p.Container("web").Ready, "unready through the exec probe");
        await Node.ExecAsync(worker, "touch", "/tmp/ready");
        await Node.WaitPodAsync("probes", p => p.Ready, "ready again");

        await Node.ExecAsync(web, "rm", "/www/ready.html");
        await Node.WaitPodAsync("probes", p => !p.Ready && !p.Container("web").Ready && p.Container("worker").Ready, "unready through the HTTP probe");
        await Node.ExecAsync(web, "sh", "-c", "echo ok > /www/ready.html");
        pod = await Node.WaitPodAsync("probes", p => p.Ready, "ready again");

        // Readiness never restarts anything.
        Assert.Equal(restarts, (pod.Container("web").RestartCount, pod.Container("worker").RestartCount));
        Assert.Equal((web, worker), (pod.Container("web").ContainerId, pod.Container("worker").ContainerId));
    }

    [KubeletFact]
    public async Task A_failing_liveness_probe_restarts_the_container()
    {
        var pod = await Node.WaitPodAsync("probes", p => p.Ready, "ready");
        var (worker, web) = (pod.Container("worker"), pod.Container("web"));

        await Node.ExecAsync(worker.ContainerId, "rm", "/tmp/alive");
        await Node.ExecAsync(web.ContainerId, "rm", "/www/live.html");
        pod = await Node.WaitPodAsync("probes",
            p => p.Container("worker").RestartCount == worker.RestartCount + 1 && p.Container("web").RestartCount == web.RestartCount + 1 && p.Ready,
            "restarted once each and ready");

        foreach (var (before, after) in new[] { (worker, pod.Container("worker")), (web, pod.Container("web")) })
        {
            Assert.NotEqual(before.ContainerId, after.ContainerId);
            Assert.True(after.State.Running, after.ToString());
            Assert.True(after.LastState.Terminated, after.ToString());
        }
        // sleep as PID 1 ignores SIGTERM: it is killed once the 1 s grace period is over.
        Assert.Equal(137, pod.Container("worker").LastState.ExitCode);
        Assert.Contains("failed liveness probe, will be restarted", Node.Kubelet.Log);
    }
}
