using System.Text.Json;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Sandbox;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Container;

/// <summary>
/// In-place pod resize as the kubelet drives it (KEP-1287): UpdatePodSandboxResources on the pod's cgroup and
/// UpdateContainerResources on the container's, checked in this host's cgroup v1 files, and ContainerStatus.resources
/// reporting what was applied.
/// </summary>
[Collection("containers")]
public sealed class InPlaceResizeTests(ContainerImagesFixture images)
{
    private const string V1 = "/sys/fs/cgroup";

    private static string CgroupFile(string controller, string cgroup, string file) =>
        File.ReadAllText(Path.Combine(V1, controller, cgroup.TrimStart('/'), file)).Trim();

    [RootFact]
    public async Task The_pod_cgroup_takes_the_containers_total_plus_overhead_and_keeps_it_in_the_config()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("rsz-pod");
        var container = scene.Config("app", "sleep", "1000");
        container.Linux.Resources = new LinuxContainerResources { CpuPeriod = 100_000, CpuQuota = 50_000, CpuShares = 512, MemoryLimitInBytes = 64 << 20 };
        var id = await scene.RunAsync(pod, podConfig, container);
        var podCgroup = podConfig.Linux.CgroupParent;

        await scene.Runtime.UpdatePodSandboxResourcesAsync(new UpdatePodSandboxResourcesRequest
        {
            PodSandboxId = pod,
            Resources = new LinuxContainerResources { CpuPeriod = 100_000, CpuQuota = 200_000, CpuShares = 2048, MemoryLimitInBytes = 256 << 20 },
            Overhead = new LinuxContainerResources { CpuQuota = 10_000, MemoryLimitInBytes = 16 << 20 },
        });

        Assert.Equal("210000", CgroupFile("cpu", podCgroup, "cpu.cfs_quota_us"));
        Assert.Equal("100000", CgroupFile("cpu", podCgroup, "cpu.cfs_period_us"));
        Assert.Equal("2048", CgroupFile("cpu", podCgroup, "cpu.shares"));
        Assert.Equal((272L << 20).ToString(), CgroupFile("memory", podCgroup, "memory.limit_in_bytes"));
        // The container's own limits are the kubelet's next call, not this one's.
        var cgroup = (await scene.InfoAsync(id)).GetProperty("cgroupPath").GetString()!;
        Assert.Equal("50000", CgroupFile("cpu", cgroup, "cpu.cfs_quota_us"));

        await scene.Daemon.RestartAsync();
        var config = (await scene.Pods.InfoAsync(pod)).GetProperty("config").GetProperty("linux");
        Assert.Equal("268435456", config.GetProperty("resources").GetProperty("memoryLimitInBytes").GetString());
        Assert.Equal("16777216", config.GetProperty("overhead").GetProperty("memoryLimitInBytes").GetString());
    }

    [RootFact]
    public async Task Container_status_reports_the_resources_last_applied()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("rsz-ctr");
        var container = scene.Config("app", "sleep", "1000");
        container.Linux.Resources = new LinuxContainerResources { CpuPeriod = 100_000, CpuQuota = 50_000, CpuShares = 512, MemoryLimitInBytes = 64 << 20 };
        var id = await scene.RunAsync(pod, podConfig, container);
        var created = (await scene.StatusAsync(id)).Resources.Linux;
        var cgroup = (await scene.InfoAsync(id)).GetProperty("cgroupPath").GetString()!;
        var grown = new LinuxContainerResources { CpuPeriod = 100_000, CpuQuota = 150_000, CpuShares = 1536, MemoryLimitInBytes = 96 << 20 };

        await scene.Runtime.UpdateContainerResourcesAsync(new UpdateContainerResourcesRequest { ContainerId = id, Linux = grown });
        var resized = (await scene.StatusAsync(id)).Resources.Linux;

        Assert.Equal((50_000L, 64L << 20), (created.CpuQuota, created.MemoryLimitInBytes));
        Assert.Equal(grown, resized);
        Assert.Equal("150000", CgroupFile("cpu", cgroup, "cpu.cfs_quota_us"));
        Assert.Equal("1536", CgroupFile("cpu", cgroup, "cpu.shares"));
        Assert.Equal((96L << 20).ToString(), CgroupFile("memory", cgroup, "memory.limit_in_bytes"));
        await scene.Daemon.RestartAsync();
        Assert.Equal(grown, (await scene.StatusAsync(id)).Resources.Linux);
    }

    [RootFact]
    public async Task Unknown_shared_and_empty_requests_get_clear_codes()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var shared = scene.Pods.Config("rsz-shared");
        shared.Linux.CgroupParent = "";
        var sharedId = await scene.Pods.RunAsync(shared);
        var resources = new LinuxContainerResources { MemoryLimitInBytes = 64 << 20 };

        async Task<StatusCode> CodeOf(UpdatePodSandboxResourcesRequest request) =>
            (await Assert.ThrowsAsync<RpcException>(async () => await scene.Runtime.UpdatePodSandboxResourcesAsync(request))).StatusCode;

        Assert.Equal(StatusCode.NotFound, await CodeOf(new() { PodSandboxId = "nosuchpod", Resources = resources }));
        Assert.Equal(StatusCode.InvalidArgument, await CodeOf(new() { PodSandboxId = sharedId }));
        Assert.Equal(StatusCode.FailedPrecondition, await CodeOf(new() { PodSandboxId = sharedId, Resources = resources }));
        await scene.Pods.StopAsync(sharedId);
        Assert.Equal(StatusCode.FailedPrecondition, await CodeOf(new() { PodSandboxId = sharedId, Resources = resources }));
    }
}
