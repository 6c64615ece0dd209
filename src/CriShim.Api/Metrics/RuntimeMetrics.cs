using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Image;
using CriShim.Runtime.Sandbox;
using Grpc.Core;
using Prometheus;

namespace CriShim.Api.Metrics;

/// <summary>
/// The daemon's own Prometheus metrics, in a registry of their own (plus prometheus-net's process and .NET
/// runtime metrics): CRI call latency per method, failures per method and code, and how many pods, containers
/// and images there are, counted from the stores whenever the endpoint is scraped.
/// </summary>
internal sealed class RuntimeMetrics
{
    private readonly Histogram _latency;
    private readonly Counter _errors;

    public RuntimeMetrics(PodSandboxStore sandboxes, ContainerStore containers, ImageStore images)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _latency = factory.CreateHistogram("crishim_cri_request_duration_seconds", "Time taken by CRI calls, by gRPC method.",
            new HistogramConfiguration { LabelNames = ["method"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        _errors = factory.CreateCounter("crishim_cri_request_errors_total", "CRI calls that failed, by gRPC method and status code.",
            new CounterConfiguration { LabelNames = ["method", "code"] });
        var pods = factory.CreateGauge("crishim_pod_sandboxes", "Pod sandboxes, by state.", new GaugeConfiguration { LabelNames = ["state"] });
        var containerGauge = factory.CreateGauge("crishim_containers", "Containers, by state (as last recorded).", new GaugeConfiguration { LabelNames = ["state"] });
        var imageGauge = factory.CreateGauge("crishim_images", "Images in the image store.");
        Registry.AddBeforeCollectCallback(() =>
        {
            var all = sandboxes.All;
            pods.WithLabels("ready").Set(all.Count(s => s.State == PodSandboxLifecycle.Ready));
            pods.WithLabels("notready").Set(all.Count(s => s.State != PodSandboxLifecycle.Ready));
            var states = containers.All.GroupBy(c => c.Status.State).ToDictionary(g => g.Key, g => g.Count());
            foreach (var state in Enum.GetValues<ContainerState>())
            {
                containerGauge.WithLabels(StateLabel(state)).Set(states.GetValueOrDefault(state));
            }
            imageGauge.Set(images.All.Count);
        });
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; }

    public void Observe(string method, TimeSpan elapsed) => _latency.WithLabels(method).Observe(elapsed.TotalSeconds);

    public void Failed(string method, StatusCode code) => _errors.WithLabels(method, code.ToString()).Inc();

    private static string StateLabel(ContainerState state) => state switch
    {
        ContainerState.ContainerCreated => "created",
        ContainerState.ContainerRunning => "running",
        ContainerState.ContainerExited => "exited",
        _ => "unknown",
    };
}
