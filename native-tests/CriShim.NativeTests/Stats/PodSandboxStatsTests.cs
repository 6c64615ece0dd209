using System.Text.Json.Nodes;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Stats;

/// <summary>PodSandboxStats and ListPodSandboxStats from the pod's real cgroup, processes and network namespace, as kubelet's CRI stats provider reads them.</summary>
[Collection("containers")]
public sealed class PodSandboxStatsTests(ContainerImagesFixture images)
{
    private const ulong MiB = 1024 * 1024;
    private const string NetworkName = "crishimst";
    private const string Bridge = "crishimst0";
    private const string Subnet = "10.99.81.0/24";

    [RootFact]
    public async Task A_pod_reports_the_cpu_rate_memory_and_processes_of_its_containers_and_each_containers_stats()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("podstats");
        var burner = scene.Config("burner", "sh", "-c", "while true; do :; done");
        burner.Linux.Resources.CpuPeriod = 100_000;
        burner.Linux.Resources.CpuQuota = 50_000;
        var burnerId = await scene.RunAsync(pod, podConfig, burner);
        var holderId = await scene.RunAsync(pod, podConfig,
            scene.Config("holder", "sh", "-c", "x=$(head -c 30000000 /dev/zero | tr \"\\0\" a); touch /tmp/held; sleep 1000 & wait"));
        await WaitForFileAsync(scene, holderId, "/tmp/held");

        var first = await StatsAsync(scene, pod);
        await Task.Delay(1000);
        var second = await StatsAsync(scene, pod);

        Assert.Equal(pod, second.Attributes.Id);
        Assert.Equal("podstats", second.Attributes.Metadata.Name);
        Assert.Equal("podstats", second.Attributes.Labels["app"]);
        Assert.Null(first.Linux.Cpu.UsageNanoCores);
        var cores = second.Linux.Cpu.UsageNanoCores.Value / 1e9;
        Assert.InRange(cores, 0.3, 0.8);
        Assert.True(second.Linux.Memory.WorkingSetBytes.Value > 25_000_000, $"pod working set {second.Linux.Memory.WorkingSetBytes.Value} B holds the 30 MB string");
        // pause, the burner's shell, the holder's shell and its sleep.
        Assert.InRange(second.Linux.Process.ProcessCount.Value, 4UL, 10UL);
        Assert.Null(second.Linux.Network); // host network: the node's interfaces are not the pod's

        Assert.Equal([burnerId, holderId], second.Linux.Containers.Select(c => c.Attributes.Id));
        var holder = second.Linux.Containers.Single(c => c.Attributes.Id == holderId);
        Assert.True(holder.Memory.WorkingSetBytes.Value > 25_000_000, $"container working set {holder.Memory.WorkingSetBytes.Value} B");
        Assert.InRange(second.Linux.Containers.Single(c => c.Attributes.Id == burnerId).Cpu.UsageNanoCores.Value / 1e9, 0.3, 0.7);

        var (exit, _, stderr) = await scene.ExecAsync(holderId, 30, "sh", "-c", "head -c 5242880 /dev/urandom > /big && sync");
        Assert.True(exit == 0, stderr);
        var layer = (await StatsAsync(scene, pod)).Linux.Containers.Single(c => c.Attributes.Id == holderId).WritableLayer;
        Assert.True(layer.UsedBytes.Value >= holder.WritableLayer.UsedBytes.Value + 5 * MiB, $"used bytes {holder.WritableLayer.UsedBytes.Value} -> {layer.UsedBytes.Value}");
    }

    [RootFact]
    public async Task Network_bytes_of_the_pods_eth0_grow_with_traffic_between_two_pods()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        await using var net = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, NetworkName, Bridge, Subnet);
        var (a, _) = await scene.PodAsync("stnet-a", network: NamespaceMode.Pod);
        var (b, _) = await scene.PodAsync("stnet-b", network: NamespaceMode.Pod);
        var ipB = (await scene.Pods.StatusAsync(b)).Status.Network.Ip;
        var netnsA = (await scene.Pods.InfoAsync(a)).GetProperty("netnsPath").GetString()!;

        var before = (await StatsAsync(scene, a)).Linux.Network;
        await Shell.Run("nsenter", $"--net={netnsA}", "busybox", "ping", "-c", "5", "-i", "0.2", "-s", "1000", "-W", "2", ipB);
        var after = (await StatsAsync(scene, a)).Linux.Network;

        Assert.Equal("eth0", after.DefaultInterface.Name);
        Assert.DoesNotContain(after.Interfaces, i => i.Name == "lo");
        Assert.Contains(after.Interfaces, i => i.Name == "eth0");
        Assert.True(after.DefaultInterface.TxBytes.Value >= before.DefaultInterface.TxBytes.Value + 5 * 1000,
            $"tx {before.DefaultInterface.TxBytes.Value} -> {after.DefaultInterface.TxBytes.Value}");
        Assert.True(after.DefaultInterface.RxBytes.Value >= before.DefaultInterface.RxBytes.Value + 5 * 1000,
            $"rx {before.DefaultInterface.RxBytes.Value} -> {after.DefaultInterface.RxBytes.Value}");
        Assert.Equal(0UL, after.DefaultInterface.RxErrors.Value);
        // The same counters the kernel shows inside the pod's namespace (netlink, not /proc: a different path to them).
        var link = JsonNode.Parse(await Shell.Run("nsenter", $"--net={netnsA}", "ip", "-j", "-s", "link", "show", "eth0"))![0]!;
        var inside = link["stats64"]!["tx"]!["bytes"]!.GetValue<ulong>();
        Assert.InRange(inside, after.DefaultInterface.TxBytes.Value, after.DefaultInterface.TxBytes.Value + 2000);

        await scene.Pods.RemoveAsync(a);
        await scene.Pods.RemoveAsync(b);
    }

    [RootFact]
    public async Task Pods_sharing_a_cgroup_parent_each_report_only_their_own_processes()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        async Task<(string, PodSandboxConfig)> SharedPodAsync(string name)
        {
            var config = scene.Pods.Config(name);
            config.Linux.CgroupParent = $"{scene.Pods.CgroupRoot}/shared";
            config.LogDirectory = Path.Combine(scene.LogDirectory, name);
            return (await scene.Pods.RunAsync(config), config);
        }
        var (a, configA) = await SharedPodAsync("shared-a");
        var (b, configB) = await SharedPodAsync("shared-b");
        var holder = await scene.RunAsync(a, configA,
            scene.Config("holder", "sh", "-c", "x=$(head -c 30000000 /dev/zero | tr \"\\0\" a); touch /tmp/held; sleep 1000 & wait"));
        await scene.RunAsync(b, configB, scene.Config("sleeper", "sleep", "1000"));
        await WaitForFileAsync(scene, holder, "/tmp/held");

        var statsA = (await StatsAsync(scene, a)).Linux;
        var statsB = (await StatsAsync(scene, b)).Linux;

        Assert.True(statsA.Memory.WorkingSetBytes.Value > 25_000_000, $"pod a working set {statsA.Memory.WorkingSetBytes.Value} B");
        Assert.True(statsB.Memory.WorkingSetBytes.Value < 20_000_000, $"pod b working set {statsB.Memory.WorkingSetBytes.Value} B must not include pod a's");
        Assert.Equal(3UL, statsA.Process.ProcessCount.Value);
        Assert.Equal(2UL, statsB.Process.ProcessCount.Value);
    }

    [RootFact]
    public async Task Stopped_pods_have_no_stats_and_the_list_filters_by_id_prefix_and_labels()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (a, configA) = await scene.PodAsync("stlist-a");
        var (b, _) = await scene.PodAsync("stlist-b");
        var (stopped, _) = await scene.PodAsync("stlist-c");
        var containerA = await scene.RunAsync(a, configA, scene.Config("a1", "sleep", "1000"));
        await scene.Pods.StopAsync(stopped);

        Assert.Equal([a, b], await ListAsync(scene, null));
        Assert.Equal([b], await ListAsync(scene, new PodSandboxStatsFilter { Id = b[..10] }));
        Assert.Equal([a], await ListAsync(scene, new PodSandboxStatsFilter { LabelSelector = { ["app"] = "stlist-a" } }));
        Assert.Empty(await ListAsync(scene, new PodSandboxStatsFilter { Id = stopped }));
        Assert.Empty(await ListAsync(scene, new PodSandboxStatsFilter { Id = a, LabelSelector = { ["app"] = "stlist-b" } }));
        var listed = (await scene.Runtime.ListPodSandboxStatsAsync(new ListPodSandboxStatsRequest())).Stats.Single(s => s.Attributes.Id == a);
        Assert.Equal([containerA], listed.Linux.Containers.Select(c => c.Attributes.Id));

        var notReady = await Assert.ThrowsAsync<RpcException>(async () => await StatsAsync(scene, stopped));
        Assert.Equal(StatusCode.Unavailable, notReady.StatusCode);
        Assert.Contains("not ready", notReady.Status.Detail);
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await StatsAsync(scene, "0123456789abcdef-no-such-pod"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [RootFact]
    public async Task Pod_metrics_carry_the_cadvisor_names_with_the_descriptors_label_keys()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("stmetrics");
        var holderId = await scene.RunAsync(pod, podConfig,
            scene.Config("holder", "sh", "-c", "x=$(head -c 30000000 /dev/zero | tr \"\\0\" a); touch /tmp/held; sleep 1000 & wait"));
        await WaitForFileAsync(scene, holderId, "/tmp/held");

        var descriptors = (await scene.Runtime.ListMetricDescriptorsAsync(new ListMetricDescriptorsRequest())).Descriptors.ToDictionary(d => d.Name);
        var metrics = Assert.Single((await scene.Runtime.ListPodSandboxMetricsAsync(new ListPodSandboxMetricsRequest())).PodMetrics);

        Assert.Equal(pod, metrics.PodSandboxId);
        var all = metrics.Metrics.Concat(metrics.ContainerMetrics.SelectMany(c => c.Metrics)).ToList();
        Assert.All(all, m => Assert.Equal(descriptors[m.Name].LabelKeys.Count, m.LabelValues.Count));
        var container = Assert.Single(metrics.ContainerMetrics);
        Assert.Equal(holderId, container.ContainerId);
        var workingSet = container.Metrics.Single(m => m.Name == "container_memory_working_set_bytes");
        Assert.True(workingSet.Value.Value > 25_000_000, $"working set {workingSet.Value.Value}");
        var labels = descriptors["container_memory_working_set_bytes"].LabelKeys.Zip(workingSet.LabelValues).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(("holder", holderId, "native-test", "stmetrics"), (labels["container"], labels["id"], labels["namespace"], labels["pod"]));
        Assert.Contains(metrics.Metrics, m => m.Name == "container_cpu_usage_seconds_total" && m.MetricType == MetricType.Counter);
    }

    private static async Task<PodSandboxStats> StatsAsync(ContainerScene scene, string id) =>
        (await scene.Runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = id })).Stats;

    private static async Task<List<string>> ListAsync(ContainerScene scene, PodSandboxStatsFilter? filter)
    {
        var request = new ListPodSandboxStatsRequest();
        if (filter is not null)
        {
            request.Filter = filter;
        }
        return (await scene.Runtime.ListPodSandboxStatsAsync(request)).Stats.Select(s => s.Attributes.Id).ToList();
    }

    private static async Task WaitForFileAsync(ContainerScene scene, string id, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await scene.ExecAsync(id, 10, "sh", "-c", $"test -e {path}")).ExitCode != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{path} not in container {id} after 30 s\n{scene.Daemon.Log}");
            await Task.Delay(100);
        }
    }
}
