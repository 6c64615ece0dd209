using CriShim.KubeletTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.KubeletTests;

// Limits the kubelet computes, as the container sees them; OOM kills; a shared PID namespace.
public sealed partial class KubeletScenarios
{
    [KubeletFact]
    public async Task Memory_and_cpu_limits_are_seen_inside_the_container()
    {
        await Node.WaitRunningAsync("limits");

        var log = await Node.WaitLogAsync("limits", "app", "oom_score_adj:");
        Assert.Contains($"memory: {64 * 1024 * 1024}\n", log);
        Assert.True(log.Contains("cpu: 50000\n") || log.Contains("cpu: 50000 100000\n"), log);
    }

    [KubeletFact]
    public async Task A_container_over_its_memory_limit_is_reported_OOMKilled()
    {
        var pod = await Node.WaitPodAsync("oom", p => p.Phase == "Failed", "Failed");

        var hog = pod.Container("hog");
        Assert.Equal(("OOMKilled", 137), (hog.State.Reason, hog.State.ExitCode));
        Assert.DoesNotContain("survived", await Node.ContainerLogsAsync("oom", "hog"));
    }

    [KubeletFact]
    public async Task A_pod_with_hugepage_limits_runs()
    {
        var pod = await Node.WaitRunningAsync("hugepages");

        // The kubelet sends a limit for every page size the machine has; on this host's v1 side hugetlb is not mounted.
        var status = (await Node.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = pod.Container("app").ContainerId })).Status;
        Assert.Contains(status.Resources.Linux.HugepageLimits, h => h.PageSize == "2MB" && h.Limit == 0);
        await Node.WaitLogAsync("hugepages", "app", "running with hugepage limits");
    }

    [KubeletFact]
    public async Task Containers_of_a_pod_sharing_its_process_namespace_see_each_other()
    {
        var pod = await Node.WaitRunningAsync("sharepid");

        var log = await Node.WaitLogAsync("sharepid", "watcher", "sleep 3601");
        // PID 1 is the pod's pause process, not a container's first process.
        var pid1 = log.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("1 ", StringComparison.Ordinal));
        Assert.DoesNotContain("sleep", pid1);
        var (code, output) = await Node.ExecAsync(pod.Container("sleeper").ContainerId, "sh", "-c", "ps -o args | grep -c '[s]leep 3600'");
        Assert.True(code == 0 && output.Trim() == "1", $"the sleeper sees the watcher's sleep 3600: {output}");
    }
}
