using CriShim.KubeletTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.KubeletTests;

// Hooks, graceful termination and restart policies: what the kubelet does with exits and stops.
public sealed partial class KubeletScenarios
{
    [KubeletFact]
    public async Task Post_start_and_pre_stop_hooks_run_in_the_container()
    {
        var pod = await Node.WaitRunningAsync("hooks");
        var hooks = Path.Combine(Node.HostPathDir, "hooks");
        await KubeletNode.WaitUntilAsync(() => Task.FromResult(File.Exists(hooks) && File.ReadAllText(hooks).Contains("postStart")),
            TimeSpan.FromSeconds(20), what: "postStart written");

        Node.DeleteManifest("hooks");
        await KubeletNode.WaitUntilAsync(async () => (await Node.ContainersOfAsync(pod.Uid)).All(c => c.State == ContainerState.ContainerExited),
            TimeSpan.FromSeconds(30), what: "stopped");

        var lines = File.ReadAllLines(hooks);
        Assert.Equal(["main-started", "postStart", "preStop"], lines.Order(StringComparer.Ordinal));
        Assert.Equal("preStop", lines[^1]);
    }

    [KubeletFact]
    public async Task Deleting_a_pod_sends_TERM_then_KILL_after_the_grace_period()
    {
        var pod = await Node.WaitRunningAsync("graceful");
        var (stubbornFile, politeFile) = (Path.Combine(Node.HostPathDir, "stubborn"), Path.Combine(Node.HostPathDir, "polite"));
        await KubeletNode.WaitUntilAsync(() => Task.FromResult(File.Exists(stubbornFile) && File.Exists(politeFile)), TimeSpan.FromSeconds(10), what: "started");

        Node.DeleteManifest("graceful");
        var termSeen = DateTimeOffset.MinValue;
        await KubeletNode.WaitUntilAsync(() =>
        {
            termSeen = DateTimeOffset.UtcNow;
            return Task.FromResult(File.ReadAllText(stubbornFile).Contains("TERM"));
        }, TimeSpan.FromSeconds(30), what: "TERM delivered");
        IReadOnlyList<Container> containers = [];
        await KubeletNode.WaitUntilAsync(async () =>
        {
            containers = await Node.ContainersOfAsync(pod.Uid);
            return containers.Count == 2 && containers.All(c => c.State == ContainerState.ContainerExited);
        }, TimeSpan.FromSeconds(30), what: "both exited");

        var stubborn = await StatusAsync(containers.Single(c => c.Metadata.Name == "stubborn").Id);
        var polite = await StatusAsync(containers.Single(c => c.Metadata.Name == "polite").Id);
        Assert.Contains("TERM", File.ReadAllText(politeFile));
        Assert.Equal(0, polite.ExitCode);
        Assert.True(Finished(polite) - termSeen < TimeSpan.FromSeconds(1.5), $"polite exited {Finished(polite) - termSeen} after TERM");
        Assert.Equal(137, stubborn.ExitCode);
        // From polite's exit, which TERM ended at once: the poll that saw TERM may come late on a loaded machine.
        var killedAfter = Finished(stubborn) - Finished(polite);
        Assert.True(killedAfter > TimeSpan.FromSeconds(2.3) && killedAfter < TimeSpan.FromSeconds(6),
            $"stubborn was killed {killedAfter.TotalSeconds:F2} s after TERM; the grace period is 3 s");
    }

    [KubeletFact]
    public async Task Restart_policy_Always_restarts_a_container_whatever_its_exit_code()
    {
        var pod = await Node.WaitPodAsync("restart-always", p => p.Has("app") && p.Container("app").RestartCount >= 1, "restarted", 60);

        var app = pod.Container("app");
        Assert.Equal("Running", pod.Phase);
        Assert.Equal((3, "Error"), (app.LastState.ExitCode, app.LastState.Reason));
    }

    [KubeletFact]
    public async Task Restart_policy_OnFailure_restarts_only_the_container_that_failed()
    {
        var pod = await Node.WaitPodAsync("restart-onfailure", p => p.Has("fails") && p.Container("fails").RestartCount >= 1, "restarted", 60);

        var succeeds = pod.Container("succeeds");
        Assert.Equal((0, "Completed", 0), (succeeds.State.ExitCode, succeeds.State.Reason, succeeds.RestartCount));
        var fails = pod.Container("fails");
        Assert.Equal((4, "Error"), (fails.LastState.ExitCode ?? fails.State.ExitCode, fails.LastState.Reason));
    }

    [KubeletFact]
    public async Task Restart_policy_Never_ends_the_pod_Succeeded_or_Failed_by_exit_code()
    {
        var succeeded = await Node.WaitPodAsync("restart-never-ok", p => p.Phase == "Succeeded", "Succeeded");
        var failed = await Node.WaitPodAsync("restart-never-fail", p => p.Phase == "Failed", "Failed");

        Assert.Equal((0, "Completed", 0), (succeeded.Container("app").State.ExitCode, succeeded.Container("app").State.Reason, succeeded.Container("app").RestartCount));
        Assert.Equal((5, "Error", 0), (failed.Container("app").State.ExitCode, failed.Container("app").State.Reason, failed.Container("app").RestartCount));
        Assert.Equal("broken\n", await Node.ContainerLogsAsync("restart-never-fail", "app"));
    }

    private async Task<ContainerStatus> StatusAsync(string id) =>
        (await Node.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;

    private static DateTimeOffset Finished(ContainerStatus status) => DateTimeOffset.FromUnixTimeMilliseconds(status.FinishedAt / 1_000_000);
}
