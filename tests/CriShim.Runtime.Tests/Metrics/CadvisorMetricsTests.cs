using CriShim.Protocol.V1;
using CriShim.Runtime.Metrics;

namespace CriShim.Runtime.Tests.Metrics;

public sealed class CadvisorMetricsTests
{
    private static UInt64Value V(ulong value) => new() { Value = value };

    private static PodSandboxStats Sample()
    {
        var container = new ContainerStats
        {
            Attributes = new ContainerAttributes { Id = "c1", Metadata = new ContainerMetadata { Name = "web" } },
            Cpu = new CpuUsage { UsageCoreNanoSeconds = V(2_500_000_000) },
            Memory = new MemoryUsage { WorkingSetBytes = V(1000), UsageBytes = V(1500), RssBytes = V(700) },
            Swap = new SwapUsage { SwapUsageBytes = V(0) },
            WritableLayer = new FilesystemUsage { UsedBytes = V(4096), InodesUsed = V(3) },
        };
        var eth0 = new NetworkInterfaceUsage { Name = "eth0", RxBytes = V(10), RxErrors = V(1), TxBytes = V(20), TxErrors = V(2) };
        return new PodSandboxStats
        {
            Attributes = new PodSandboxAttributes { Id = "p1", Metadata = new PodSandboxMetadata { Name = "nginx", Namespace = "default" } },
            Linux = new LinuxPodSandboxStats
            {
                Cpu = new CpuUsage { UsageCoreNanoSeconds = V(3_000_000_000) },
                Memory = new MemoryUsage { WorkingSetBytes = V(2000), UsageBytes = V(2500), RssBytes = V(900) },
                Process = new ProcessUsage { ProcessCount = V(4) },
                Network = new NetworkUsage { DefaultInterface = eth0, Interfaces = { eth0 } },
                Containers = { container },
            },
        };
    }

    [Fact]
    public void Descriptors_have_unique_cadvisor_names_and_help()
    {
        var descriptors = CadvisorMetrics.Descriptors();

        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Name).Distinct().Count());
        Assert.All(descriptors, d => Assert.StartsWith("container_", d.Name));
        Assert.All(descriptors, d => Assert.NotEmpty(d.Help));
        foreach (var name in new[] { "container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "container_network_receive_bytes_total", "container_network_transmit_bytes_total" })
        {
            Assert.Contains(descriptors, d => d.Name == name);
        }
    }

    [Fact]
    public void Every_metric_has_a_descriptor_and_one_label_value_per_label_key()
    {
        var descriptors = CadvisorMetrics.Descriptors().ToDictionary(d => d.Name);
        var metrics = CadvisorMetrics.For(Sample());

        var all = metrics.Metrics.Concat(metrics.ContainerMetrics.SelectMany(c => c.Metrics)).ToList();
        Assert.NotEmpty(all);
        Assert.All(all, m => Assert.Equal(descriptors[m.Name].LabelKeys.Count, m.LabelValues.Count));
        // Cumulative CPU time and traffic are counters; cAdvisor's container_fs_inodes_total is a gauge despite its name.
        Assert.All(all, m => Assert.Equal(m.Name is "container_cpu_usage_seconds_total" || m.Name.StartsWith("container_network_", StringComparison.Ordinal)
            ? MetricType.Counter : MetricType.Gauge, m.MetricType));
    }

    [Fact]
    public void Values_and_labels_come_from_the_stats()
    {
        var metrics = CadvisorMetrics.For(Sample());

        Assert.Equal("p1", metrics.PodSandboxId);
        var rx = Assert.Single(metrics.Metrics, m => m.Name == "container_network_receive_bytes_total");
        Assert.Equal(10UL, rx.Value.Value);
        Assert.Equal(["", "p1", "default", "nginx", "eth0"], rx.LabelValues);
        Assert.Equal(2UL, metrics.Metrics.Single(m => m.Name == "container_network_transmit_errors_total").Value.Value);
        Assert.Equal(4UL, metrics.Metrics.Single(m => m.Name == "container_processes").Value.Value);
        Assert.Equal(3UL, metrics.Metrics.Single(m => m.Name == "container_cpu_usage_seconds_total").Value.Value);

        var container = Assert.Single(metrics.ContainerMetrics);
        Assert.Equal("c1", container.ContainerId);
        var workingSet = container.Metrics.Single(m => m.Name == "container_memory_working_set_bytes");
        Assert.Equal(1000UL, workingSet.Value.Value);
        Assert.Equal(["web", "c1", "default", "nginx"], workingSet.LabelValues);
        Assert.Equal(2UL, container.Metrics.Single(m => m.Name == "container_cpu_usage_seconds_total").Value.Value);
        Assert.Equal(4096UL, container.Metrics.Single(m => m.Name == "container_fs_usage_bytes").Value.Value);
    }

    [Fact]
    public void A_pod_without_network_or_containers_still_reports_cpu_and_memory()
    {
        var stats = Sample();
        stats.Linux.Network = null;
        stats.Linux.Containers.Clear();

        var metrics = CadvisorMetrics.For(stats);

        Assert.DoesNotContain(metrics.Metrics, m => m.Name.Contains("network"));
        Assert.Contains(metrics.Metrics, m => m.Name == "container_memory_working_set_bytes");
        Assert.Empty(metrics.ContainerMetrics);
    }
}
