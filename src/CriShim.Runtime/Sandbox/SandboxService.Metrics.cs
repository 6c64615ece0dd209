using CriShim.Protocol.V1;
using CriShim.Runtime.Metrics;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>ListPodSandboxMetrics: the stats of every ready pod under cAdvisor's metric names (<see cref="CadvisorMetrics"/>).</summary>
    public ListPodSandboxMetricsResponse Metrics() =>
        new() { PodMetrics = { ListStats(null).Stats.Select(CadvisorMetrics.For) } };
}
