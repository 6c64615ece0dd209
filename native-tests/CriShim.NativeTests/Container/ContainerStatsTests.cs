using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Container;

/// <summary>ContainerStats and ListContainerStats read from the real cgroups and writable layers, as the kubelet polls them.</summary>
[Collection("containers")]
public sealed class ContainerStatsTests(ContainerImagesFixture images)
{
    private const ulong MiB = 1024 * 1024;

    [RootFact]
    public async Task A_cpu_burner_limited_to_half_a_core_reports_about_half_a_core()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("burn");
        var config = scene.Config("burner", "sh", "-c", "while true; do :; done");
        config.Linux.Resources.CpuPeriod = 100_000;
        config.Linux.Resources.CpuQuota = 50_000;
        var id = await scene.RunAsync(pod, podConfig, config);
        await Task.Delay(500);

        var first = await StatsAsync(scene, id);
        await Task.Delay(1000);
        var second = await StatsAsync(scene, id);

        Assert.Null(first.Cpu.UsageNanoCores);
        Assert.NotNull(second.Cpu.UsageNanoCores);
        var cores = second.Cpu.UsageNanoCores.Value / 1e9;
        Assert.InRange(cores, 0.3, 0.7);
        Assert.True(second.Cpu.UsageCoreNanoSeconds.Value > first.Cpu.UsageCoreNanoSeconds.Value, "cumulative CPU time grows");
        Assert.Equal(id, second.Attributes.Id);
        Assert.Equal("burner", second.Attributes.Metadata.Name);
        Assert.Equal("burner", second.Attributes.Labels["container"]);
        Assert.Equal("native test", second.Attributes.Annotations["note"]);
        var timestamp = second.Cpu.Timestamp;
        Assert.Equal([timestamp, timestamp, timestamp], new[] { second.Memory.Timestamp, second.Swap.Timestamp, second.WritableLayer.Timestamp });
        Assert.InRange(timestamp, first.Cpu.Timestamp + 900_000_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + 1_000_000);
    }

    [RootFact]
    public async Task Memory_a_process_holds_shows_in_the_working_set_and_available_bytes_follow_the_limit()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("mem");
        // "& wait" keeps the shell (and its 30 MB variable) alive: a last plain command would be exec'ed in its place.
        var config = scene.Config("holder", "sh", "-c", "x=$(head -c 30000000 /dev/zero | tr \"\\0\" a); echo held; sleep 1000 & wait");
        config.Linux.Resources.MemoryLimitInBytes = (long)(256 * MiB);
        var id = await scene.RunAsync(pod, podConfig, config);
        await WaitForLogAsync(scene, id, "held");

        var memory = (await StatsAsync(scene, id)).Memory;

        Assert.True(memory.WorkingSetBytes.Value > 25_000_000, $"working set {memory.WorkingSetBytes.Value} B holds the 30 MB string");
        Assert.True(memory.UsageBytes.Value >= memory.WorkingSetBytes.Value);
        Assert.True(memory.RssBytes.Value > 25_000_000, $"rss {memory.RssBytes.Value} B");
        Assert.True(memory.PageFaults.Value > 0);
        Assert.NotNull(memory.MajorPageFaults);
        Assert.Equal(256 * MiB - memory.WorkingSetBytes.Value, memory.AvailableBytes.Value);
    }

    [RootFact]
    public async Task Writing_a_file_grows_the_writable_layer()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("disk");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("writer", "sleep", "1000"));

        var before = (await StatsAsync(scene, id)).WritableLayer;
        var (exit, _, stderr) = await scene.ExecAsync(id, 30, "sh", "-c", "head -c 5242880 /dev/urandom > /big && sync");
        Assert.True(exit == 0, stderr);
        var after = (await StatsAsync(scene, id)).WritableLayer;

        Assert.Equal(Path.Combine(scene.Daemon.Root, "containers"), after.FsId.Mountpoint);
        Assert.True(after.UsedBytes.Value >= before.UsedBytes.Value + 5 * MiB, $"used bytes {before.UsedBytes.Value} -> {after.UsedBytes.Value}");
        Assert.True(after.InodesUsed.Value > before.InodesUsed.Value, $"inodes {before.InodesUsed.Value} -> {after.InodesUsed.Value}");
    }

    [RootFact]
    public async Task Created_and_exited_containers_report_zero_usage_and_an_unknown_id_is_not_found()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("idle");
        var created = await scene.CreateAsync(pod, podConfig, scene.Config("created", "sleep", "1000"));
        var exited = await scene.RunAsync(pod, podConfig, scene.Config("exited", "sh", "-c", "x=$(head -c 5000000 /dev/zero | tr \"\\0\" a); exit 0"));
        await scene.WaitExitedAsync(exited);

        foreach (var id in new[] { created, exited })
        {
            var stats = await StatsAsync(scene, id);
            Assert.Equal(id, stats.Attributes.Id);
            Assert.Equal((0UL, 0UL, 0UL), (stats.Cpu.UsageCoreNanoSeconds.Value, stats.Memory.WorkingSetBytes.Value, stats.Memory.UsageBytes.Value));
            Assert.NotNull(stats.WritableLayer);
        }

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await StatsAsync(scene, "0123456789abcdef-no-such-container"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [RootFact]
    public async Task ListContainerStats_filters_by_pod_id_prefix_and_labels()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podA, configA) = await scene.PodAsync("lista");
        var (podB, configB) = await scene.PodAsync("listb");
        var a1 = await scene.RunAsync(podA, configA, scene.Config("a1", "sleep", "1000"));
        var a2 = await scene.CreateAsync(podA, configA, scene.Config("a2", "sleep", "1000"));
        var b1 = await scene.RunAsync(podB, configB, scene.Config("b1", "sleep", "1000"));

        Assert.Equal([a1, a2, b1], await ListAsync(scene, null));
        Assert.Equal([a1, a2], await ListAsync(scene, new ContainerStatsFilter { PodSandboxId = podA }));
        Assert.Equal([b1], await ListAsync(scene, new ContainerStatsFilter { PodSandboxId = podB[..8] }));
        Assert.Equal([a2], await ListAsync(scene, new ContainerStatsFilter { Id = a2[..12] }));
        Assert.Equal([a1], await ListAsync(scene, new ContainerStatsFilter { LabelSelector = { ["container"] = "a1" } }));
        Assert.Empty(await ListAsync(scene, new ContainerStatsFilter { PodSandboxId = podB, LabelSelector = { ["container"] = "a1" } }));
        Assert.Empty(await ListAsync(scene, new ContainerStatsFilter { Id = "ffffffffffff-none" }));
    }

    private static async Task<ContainerStats> StatsAsync(ContainerScene scene, string id) =>
        (await scene.Runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = id })).Stats;

    private static async Task<List<string>> ListAsync(ContainerScene scene, ContainerStatsFilter? filter)
    {
        var request = new ListContainerStatsRequest();
        if (filter is not null)
        {
            request.Filter = filter;
        }
        return (await scene.Runtime.ListContainerStatsAsync(request)).Stats.Select(s => s.Attributes.Id).ToList();
    }

    private static async Task WaitForLogAsync(ContainerScene scene, string id, string text)
    {
        var path = (await scene.StatusAsync(id)).LogPath;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(File.Exists(path) && ContainerScene.LogContent(path).Contains(text)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' not in the log of {id} after 20 s\n{scene.Daemon.Log}");
            await Task.Delay(100);
        }
    }
}
