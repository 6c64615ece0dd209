using CriShim.Protocol.V1;

namespace CriShim.Runtime.Metrics;

/// <summary>
/// ListMetricDescriptors and ListPodSandboxMetrics: pod and container stats under the cAdvisor names kubelet
/// serves on <c>/metrics/cadvisor</c>. Every metric of a name carries the label keys of that name's descriptor,
/// in the same order. Pod-level values have an empty <c>container</c> label, as cAdvisor's pod cgroup does.
/// Values are whole numbers (the CRI field is an integer), so CPU time is in whole seconds, as in CRI-O.
/// </summary>
public static class CadvisorMetrics
{
    public static readonly IReadOnlyList<string> BaseLabels = ["container", "id", "namespace", "pod"];
    public static readonly IReadOnlyList<string> InterfaceLabels = [.. BaseLabels, "interface"];

    private sealed record Definition(string Name, string Help, MetricType Type, IReadOnlyList<string> Labels);

    private static readonly Definition CpuSeconds = new("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", MetricType.Counter, BaseLabels);
    private static readonly Definition MemoryUsage = new("container_memory_usage_bytes", "Current memory usage in bytes, including all memory regardless of when it was accessed.", MetricType.Gauge, BaseLabels);
    private static readonly Definition WorkingSet = new("container_memory_working_set_bytes", "Current working set in bytes.", MetricType.Gauge, BaseLabels);
    private static readonly Definition Rss = new("container_memory_rss", "Size of RSS in bytes.", MetricType.Gauge, BaseLabels);
    private static readonly Definition Swap = new("container_memory_swap", "Container swap usage in bytes.", MetricType.Gauge, BaseLabels);
    private static readonly Definition FsUsage = new("container_fs_usage_bytes", "Number of bytes that are consumed by the container on this filesystem.", MetricType.Gauge, BaseLabels);
    private static readonly Definition FsInodes = new("container_fs_inodes_total", "Number of inodes used by the container on this filesystem.", MetricType.Gauge, BaseLabels);
    private static readonly Definition Processes = new("container_processes", "Number of processes running inside the container.", MetricType.Gauge, BaseLabels);
    private static readonly Definition RxBytes = new("container_network_receive_bytes_total", "Cumulative count of bytes received.", MetricType.Counter, InterfaceLabels);
    private static readonly Definition RxErrors = new("container_network_receive_errors_total", "Cumulative count of errors encountered while receiving.", MetricType.Counter, InterfaceLabels);
    private static readonly Definition TxBytes = new("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted.", MetricType.Counter, InterfaceLabels);
    private static readonly Definition TxErrors = new("container_network_transmit_errors_total", "Cumulative count of errors encountered while transmitting.", MetricType.Counter, InterfaceLabels);

    private static readonly Definition[] All = [CpuSeconds, MemoryUsage, WorkingSet, Rss, Swap, FsUsage, FsInodes, Processes, RxBytes, RxErrors, TxBytes, TxErrors];

    public static IReadOnlyList<MetricDescriptor> Descriptors() =>
        All.Select(d => new MetricDescriptor { Name = d.Name, Help = d.Help, LabelKeys = { d.Labels } }).ToList();

    /// <summary>The metrics of one pod (CPU, memory, processes, network) and of each of its containers.</summary>
    public static PodSandboxMetrics For(PodSandboxStats stats)
    {
        var pod = stats.Attributes;
        var linux = stats.Linux ?? new LinuxPodSandboxStats();
        var podLabels = new[] { "", pod.Id, pod.Metadata?.Namespace ?? "", pod.Metadata?.Name ?? "" };
        var metrics = new PodSandboxMetrics { PodSandboxId = pod.Id };
        metrics.Metrics.AddRange(Usage(linux.Cpu, linux.Memory, podLabels));
        if (linux.Process?.ProcessCount is { } processes)
        {
            metrics.Metrics.Add(Value(Processes, podLabels, processes.Value));
        }
        foreach (var network in linux.Network?.Interfaces ?? [])
        {
            string[] labels = [.. podLabels, network.Name];
            metrics.Metrics.Add(Value(RxBytes, labels, network.RxBytes?.Value));
            metrics.Metrics.Add(Value(RxErrors, labels, network.RxErrors?.Value));
            metrics.Metrics.Add(Value(TxBytes, labels, network.TxBytes?.Value));
            metrics.Metrics.Add(Value(TxErrors, labels, network.TxErrors?.Value));
        }
        foreach (var container in linux.Containers)
        {
            var labels = new[] { container.Attributes.Metadata?.Name ?? "", container.Attributes.Id, podLabels[2], podLabels[3] };
            var containerMetrics = new ContainerMetrics { ContainerId = container.Attributes.Id };
            containerMetrics.Metrics.AddRange(Usage(container.Cpu, container.Memory, labels));
            containerMetrics.Metrics.Add(Value(Swap, labels, container.Swap?.SwapUsageBytes?.Value));
            containerMetrics.Metrics.Add(Value(FsUsage, labels, container.WritableLayer?.UsedBytes?.Value));
            containerMetrics.Metrics.Add(Value(FsInodes, labels, container.WritableLayer?.InodesUsed?.Value));
            metrics.ContainerMetrics.Add(containerMetrics);
        }
        return metrics;
    }

    private static IEnumerable<Metric> Usage(CpuUsage? cpu, MemoryUsage? memory, IReadOnlyList<string> labels)
    {
        yield return Value(CpuSeconds, labels, cpu?.UsageCoreNanoSeconds?.Value / 1_000_000_000);
        yield return Value(MemoryUsage, labels, memory?.UsageBytes?.Value);
        yield return Value(WorkingSet, labels, memory?.WorkingSetBytes?.Value);
        yield return Value(Rss, labels, memory?.RssBytes?.Value);
    }

    /// <summary>Timestamp 0: gathered live, as the CRI defines it.</summary>
    private static Metric Value(Definition definition, IReadOnlyList<string> labels, ulong? value) => new()
    {
        Name = definition.Name,
        MetricType = definition.Type,
        LabelValues = { labels },
        Value = new UInt64Value { Value = value ?? 0 },
    };
}
