using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Cgroups;

/// <summary>
/// This host is hybrid: hugetlb lives only in the cgroup2 at /sys/fs/cgroup/unified, not among the v1
/// hierarchies. The kubelet sends hugepage limits for every page size all the same; as with runc, they are
/// skipped, while limits of mounted controllers are written and a value the kernel refuses still fails.
/// </summary>
[Collection("containers")]
public sealed class MissingControllerTests(ContainerImagesFixture images)
{
    private static bool HugetlbMountedV1 => File.ReadAllLines("/proc/self/mounts").Any(l => l.Split(' ') is [_, _, "cgroup", var options, ..] && options.Split(',').Contains("hugetlb"));

    [RootFact]
    public async Task A_container_with_the_kubelets_hugepage_limits_runs_with_its_other_limits_applied()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        // Said once at start-up (a host with a v1 hugetlb hierarchy has nothing to say, and takes the limit).
        Assert.Equal(HugetlbMountedV1 ? 0 : 1, scene.Daemon.Log.Split('\n').Count(l => l.Contains("no hugetlb controller mounted under the cgroup root")));
        var (pod, podConfig) = await scene.PodAsync("huge");
        var config = scene.Config("huge", "sleep", "3600");
        config.Linux.Resources = new LinuxContainerResources
        {
            CpuShares = 102, CpuPeriod = 100_000, CpuQuota = 20_000, MemoryLimitInBytes = 64 << 20,
            HugepageLimits = { new HugepageLimit { PageSize = "2MB", Limit = 0 }, new HugepageLimit { PageSize = "1GB", Limit = 0 } },
        };

        var id = await scene.RunAsync(pod, podConfig, config);

        var status = await scene.StatusAsync(id);
        Assert.Equal(ContainerState.ContainerRunning, status.State);
        var pid = (await scene.InfoAsync(id)).GetProperty("pid").GetInt32();
        var memoryPath = File.ReadAllLines($"/proc/{pid}/cgroup").Single(l => l.Split(':')[1] == "memory").Split(':')[2];
        Assert.Equal((64 << 20).ToString(), File.ReadAllText($"/sys/fs/cgroup/memory{memoryPath}/memory.limit_in_bytes").Trim());
        Assert.Equal("20000", File.ReadAllText($"/sys/fs/cgroup/cpu{memoryPath}/cpu.cfs_quota_us").Trim());
    }

    [RootFact]
    public async Task A_value_the_kernel_refuses_still_fails_create_container_naming_file_and_value()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("refused");
        var config = scene.Config("refused", "sleep", "3600");
        // The CFS period must be at least 1 ms: the kernel answers EINVAL.
        config.Linux.Resources = new LinuxContainerResources
        {
            CpuPeriod = 100, CpuQuota = 50,
            HugepageLimits = { new HugepageLimit { PageSize = "2MB", Limit = 0 } },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, config));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("the kernel refused the container's resources", error.Status.Detail);
        Assert.Contains("cpu.cfs_period_us", error.Status.Detail);
        var containers = await scene.Runtime.ListContainersAsync(new ListContainersRequest());
        Assert.Empty(containers.Containers);
    }
}
