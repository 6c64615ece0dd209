using CriShim.Protocol.V1;
using Grpc.Core;
using static CriShim.VmTests.CgroupV2Host;

namespace CriShim.VmTests;

/// <summary>
/// Limits for a controller the pod's cgroup parent does not delegate (cgroup.subtree_control) are skipped,
/// as runc skips them; the kubelet sends hugepage limits whatever the host has. Limits of delegated
/// controllers are written, and a value the kernel refuses still fails CreateContainer.
/// </summary>
internal static class MissingControllerScenarios
{
    /// <summary>A subtree whose inner level has only cpu, memory and pids: no hugetlb below it.</summary>
    private const string Subtree = "/crishim-vm-nohugetlb";

    public static IEnumerable<VmTestCase> All =>
    [
        new("hugepage limits are skipped under a parent without hugetlb; memory.max still applies", HugetlbNotDelegated),
        new("hugepage limits are written where hugetlb is delegated", HugetlbDelegated),
        new("a value the kernel refuses fails CreateContainer with the file and the value", RefusedValueFails),
    ];

    private static readonly LinuxContainerResources KubeletLimits = new()
    {
        MemoryLimitInBytes = 64 << 20,
        HugepageLimits = { new HugepageLimit { PageSize = "2MB", Limit = 0 } },
    };

    private static async Task HugetlbNotDelegated(VmDaemon daemon)
    {
        var outer = Path.Combine(Root, Subtree.TrimStart('/'));
        var inner = Path.Combine(outer, "kube");
        Directory.CreateDirectory(outer);
        File.WriteAllText(Path.Combine(outer, "cgroup.subtree_control"), "+cpu +memory +pids");
        Directory.CreateDirectory(inner);
        Check.True(!Read(inner, "cgroup.controllers").Split(' ').Contains("hugetlb"), $"{inner} has no hugetlb: {Read(inner, "cgroup.controllers")}");
        var pod = await Pod.RunAsync(daemon, "nohuge", uid => $"{Subtree}/kube/pod{uid}");
        try
        {
            var container = await pod.StartAsync("huge", ["sleep", "3600"], KubeletLimits.Clone());
            var cgroup = CgroupOf(await container.PidAsync());

            Check.Equal(ContainerState.ContainerRunning, (await container.StatusAsync()).State, "state");
            Check.Equal((64 << 20).ToString(), Read(cgroup, "memory.max"), "memory.max");
            Check.True(!File.Exists(Path.Combine(cgroup, "hugetlb.2MB.max")), "no hugetlb files without the controller");
        }
        finally
        {
            await pod.RemoveAsync();
            foreach (var directory in new[] { inner, outer })
            {
                Directory.Delete(directory);
            }
        }
    }

    private static async Task HugetlbDelegated(VmDaemon daemon)
    {
        if (!Read(Root, "cgroup.controllers").Split(' ').Contains("hugetlb") || !Directory.Exists("/sys/kernel/mm/hugepages/hugepages-2048kB"))
        {
            throw new CheckFailedException("the VM kernel has no hugetlb controller or no 2 MB pages");
        }
        var pod = await Pod.RunAsync(daemon, "huge");
        try
        {
            var container = await pod.StartAsync("huge", ["sleep", "3600"], KubeletLimits.Clone());
            var cgroup = CgroupOf(await container.PidAsync());

            Check.Equal("0", Read(cgroup, "hugetlb.2MB.max"), "hugetlb.2MB.max");
            Check.Equal((64 << 20).ToString(), Read(cgroup, "memory.max"), "memory.max");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static async Task RefusedValueFails(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "refused");
        try
        {
            // cpu.max takes periods of 1 ms and more: the kernel answers EINVAL.
            var limits = KubeletLimits.Clone();
            limits.CpuPeriod = 100;
            limits.CpuQuota = 50;
            try
            {
                await pod.StartAsync("refused", ["sleep", "3600"], limits);
                throw new CheckFailedException("CreateContainer accepted a 100 µs CFS period");
            }
            catch (RpcException e)
            {
                Check.Equal(StatusCode.InvalidArgument, e.StatusCode, "status code");
                Check.True(e.Status.Detail.Contains("the kernel refused the container's resources") && e.Status.Detail.Contains("cpu.max"),
                    $"the error names the refusal and the file: {e.Status.Detail}");
            }
            var containers = await daemon.Runtime.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = pod.Id } });
            Check.Equal(0, containers.Containers.Count, "containers left after the failed create");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }
}
