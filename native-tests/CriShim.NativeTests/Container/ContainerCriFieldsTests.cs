using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Container;

/// <summary>
/// The smaller fields of CRI 1.30-1.35 through the real daemon: supplemental groups policy, ContainerStatus.user and
/// stop_signal, ImageFsInfo.container_filesystems, and PSI in container and pod stats as this hybrid host's kernel keeps it.
/// </summary>
[Collection("containers")]
public sealed class ContainerCriFieldsTests(ContainerImagesFixture images)
{
    private const string Sleep = "sleep";

    /// <summary>Busybox whose /etc/group makes <c>app</c> (1000) a member of 4000 and 4001.</summary>
    private async Task<string> GroupsImageAsync()
    {
        var groups = TestLayer.From(TestImages.Tar(w => w.File("etc/group", "root:x:0:\napp:x:1000:\nextra:x:4000:app\nother:x:4001:nobody,app\n")));
        await TestImages.Build([TestLayer.From(TestImages.BusyboxLayer()), groups]).PushAsync(images.Registry, "test/criflds-groups", "1");
        return $"{images.Registry.Host}/test/criflds-groups:1";
    }

    private static IReadOnlyList<long> GroupsOf(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("Groups:", StringComparison.Ordinal))[7..]
            .Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).Order().ToList();

    private static async Task<int> PidOfAsync(ContainerScene scene, string id) => (await scene.InfoAsync(id)).GetProperty("pid").GetInt32();

    [RootFact]
    public async Task Status_announces_the_supplemental_groups_policy()
    {
        await using var scene = await ContainerScene.StartAsync(images);

        Assert.True((await scene.Runtime.StatusAsync(new StatusRequest())).Features.SupplementalGroupsPolicy);
    }

    [RootFact]
    public async Task Merge_adds_the_image_group_memberships_and_strict_keeps_only_the_cri_groups()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var image = await GroupsImageAsync();
        await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
        var (pod, podConfig) = await scene.PodAsync("criflds-groups");
        ContainerConfig Config(string name, SupplementalGroupsPolicy policy)
        {
            var config = scene.Config(name, Sleep, "1000");
            config.Image = new ImageSpec { Image = image };
            config.Linux.SecurityContext.RunAsUser = new Int64Value { Value = 1000 };
            config.Linux.SecurityContext.SupplementalGroups.Add(5000);
            config.Linux.SecurityContext.SupplementalGroupsPolicy = policy;
            return config;
        }

        var merge = await scene.RunAsync(pod, podConfig, Config("merge", SupplementalGroupsPolicy.Merge));
        var strict = await scene.RunAsync(pod, podConfig, Config("strict", SupplementalGroupsPolicy.Strict));

        Assert.Equal([1000L, 4000, 4001, 5000], GroupsOf(await PidOfAsync(scene, merge)));
        Assert.Equal([1000L, 5000], GroupsOf(await PidOfAsync(scene, strict)));
        var mergeUser = (await scene.StatusAsync(merge)).User.Linux;
        var strictUser = (await scene.StatusAsync(strict)).User.Linux;
        Assert.Equal((1000L, 1000L), (mergeUser.Uid, mergeUser.Gid));
        Assert.Equal([1000L, 4000, 4001, 5000], mergeUser.SupplementalGroups.Order());
        Assert.Equal([1000L, 5000], strictUser.SupplementalGroups.Order());
    }

    [RootFact]
    public async Task The_configured_stop_signal_is_reported_and_sent_by_stop_container()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("criflds-stop");
        var trapping = scene.Config("trapping", "sh", "-c", "trap 'echo got-usr1; exit 7' USR1; echo armed; while true; do sleep 0.1; done");
        trapping.StopSignal = Signal.Sigusr1;
        var usr1 = await scene.RunAsync(pod, podConfig, trapping);
        var plain = await scene.RunAsync(pod, podConfig, scene.Config("plain", Sleep, "1000"));
        var log = Path.Combine(scene.LogDirectory, "criflds-stop", "trapping", "0.log");
        await Streaming.Eventually.TrueAsync(() => File.Exists(log) && ContainerScene.LogContent(log).Contains("armed"), "the trap is set");

        Assert.Equal(Signal.Sigusr1, (await scene.StatusAsync(usr1)).StopSignal);
        Assert.Equal(Signal.Sigterm, (await scene.StatusAsync(plain)).StopSignal);
        await scene.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = usr1, Timeout = 20 });
        var stopped = await scene.StatusAsync(usr1);
        Assert.Equal(7, stopped.ExitCode);
        Assert.Contains("got-usr1", ContainerScene.LogContent(log));
        Assert.Equal(Signal.Sigusr1, stopped.StopSignal);
    }

    [RootFact]
    public async Task ImageFsInfo_reports_the_writable_layers_apart_from_the_image_layers()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("criflds-fs");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("writer", Sleep, "1000"));
        var before = await scene.Daemon.Images.ImageFsInfoAsync(new ImageFsInfoRequest());

        var (exit, _, stderr) = await scene.ExecAsync(id, 20, "sh", "-c", "head -c 8000000 /dev/urandom > /tmp/blob && sync");
        var after = await scene.Daemon.Images.ImageFsInfoAsync(new ImageFsInfoRequest());

        Assert.True(exit == 0, stderr);
        var containersBefore = Assert.Single(before.ContainerFilesystems);
        var containersAfter = Assert.Single(after.ContainerFilesystems);
        Assert.Equal(Path.Combine(scene.Daemon.Root, "containers"), containersAfter.FsId.Mountpoint);
        Assert.NotEqual(Assert.Single(after.ImageFilesystems).FsId.Mountpoint, containersAfter.FsId.Mountpoint);
        Assert.InRange(containersAfter.UsedBytes.Value - containersBefore.UsedBytes.Value, 8_000_000UL, 9_000_000UL);
        Assert.True(containersAfter.InodesUsed.Value > containersBefore.InodesUsed.Value);
        Assert.Equal(before.ImageFilesystems[0].UsedBytes, after.ImageFilesystems[0].UsedBytes);
    }

    /// <summary>
    /// This host keeps its controllers on v1, but the kernel accounts pressure for every cgroup of the hybrid
    /// <c>unified</c> hierarchy, where crishim places each container as well. The totals only grow, so what the stats
    /// report must lie between two reads of the files.
    /// </summary>
    [RootFact]
    public async Task Container_and_pod_stats_carry_the_pressure_of_their_unified_cgroup()
    {
        const string unified = "/sys/fs/cgroup/unified";
        if (!File.Exists(Path.Combine(unified, "cpu.pressure")))
        {
            Assert.Fail($"{unified} has no cpu.pressure: this test expects the hybrid host with PSI that the README describes");
        }
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("criflds-psi");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("burner", "sh", "-c", "while true; do :; done"));
        var cgroup = unified + (await scene.InfoAsync(id)).GetProperty("cgroupPath").GetString();
        await Task.Delay(1500);

        ulong Total(string file, string line) => ulong.Parse(File.ReadAllLines(Path.Combine(cgroup, file))
            .Single(l => l.StartsWith(line + " ", StringComparison.Ordinal)).Split("total=")[1]) * 1000;
        var cpuBefore = Total("cpu.pressure", "some");
        var ioBefore = Total("io.pressure", "some");
        var stats = (await scene.Runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = id })).Stats;
        var cpuAfter = Total("cpu.pressure", "some");
        var ioAfter = Total("io.pressure", "some");
        var podStats = (await scene.Runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = pod })).Stats.Linux;

        Assert.InRange(stats.Cpu.Psi.Some.Total, cpuBefore, cpuAfter);
        Assert.InRange(stats.Io.Psi.Some.Total, ioBefore, ioAfter);
        Assert.NotNull(stats.Memory.Psi.Full);
        Assert.NotNull(podStats.Cpu.Psi);
        Assert.NotNull(podStats.Memory.Psi);
        Assert.NotNull(podStats.Io.Psi);
        Assert.True(podStats.Cpu.Psi.Some.Total >= stats.Cpu.Psi.Some.Total,
            $"the pod's cgroup includes the burner's stalls: pod {podStats.Cpu.Psi.Some.Total} ns, burner {stats.Cpu.Psi.Some.Total} ns");
    }
}
