using CriShim.Protocol.V1;
using static CriShim.VmTests.CgroupV2Host;

namespace CriShim.VmTests;

/// <summary>In-place pod resize (KEP-1287) on a pure cgroup v2 host: the pod's and the container's cgroup files follow the resize.</summary>
internal static class InPlaceResizeScenarios
{
    public static IEnumerable<VmTestCase> All =>
    [
        new("in-place resize: UpdatePodSandboxResources sets the pod's cpu.max, cpu.weight, memory.max; ContainerStatus.resources follows UpdateContainerResources", PodAndContainerResize),
    ];

    private static async Task PodAndContainerResize(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "resize");
        try
        {
            var app = await pod.StartAsync("app", ["sleep", "3600"],
                new LinuxContainerResources { CpuPeriod = 100_000, CpuQuota = 50_000, CpuShares = 512, MemoryLimitInBytes = 64 << 20 });
            var podCgroup = Path.Combine(Root, pod.CgroupParent.TrimStart('/'));
            var cgroup = CgroupOf(await app.PidAsync());

            await daemon.Runtime.UpdatePodSandboxResourcesAsync(new UpdatePodSandboxResourcesRequest
            {
                PodSandboxId = pod.Id,
                Resources = new LinuxContainerResources { CpuPeriod = 100_000, CpuQuota = 200_000, CpuShares = 2048, MemoryLimitInBytes = 256 << 20 },
                Overhead = new LinuxContainerResources { CpuQuota = 10_000, MemoryLimitInBytes = 16 << 20 },
            });

            Check.Equal("210000 100000", Read(podCgroup, "cpu.max"), "pod cpu.max is the containers' quota plus overhead");
            Check.Equal("79", Read(podCgroup, "cpu.weight"), "pod cpu.weight from 2048 shares");
            Check.Equal((272L << 20).ToString(), Read(podCgroup, "memory.max"), "pod memory.max is the containers' total plus overhead");
            Check.Equal("50000 100000", Read(cgroup, "cpu.max"), "the container keeps its own limit until its own update");

            var grown = new LinuxContainerResources { CpuPeriod = 100_000, CpuQuota = 150_000, CpuShares = 1536, MemoryLimitInBytes = 96 << 20 };
            await daemon.Runtime.UpdateContainerResourcesAsync(new UpdateContainerResourcesRequest { ContainerId = app.Id, Linux = grown });

            Check.Equal("150000 100000", Read(cgroup, "cpu.max"), "container cpu.max after the resize");
            Check.Equal((96L << 20).ToString(), Read(cgroup, "memory.max"), "container memory.max after the resize");
            Check.Equal(grown, (await app.StatusAsync()).Resources.Linux, "ContainerStatus.resources is what was applied");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }
}
