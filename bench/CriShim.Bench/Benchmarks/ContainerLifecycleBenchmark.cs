using CriShim.Bench.Measurement;
using CriShim.Bench.Runtimes;
using CriShim.Protocol.V1;

namespace CriShim.Bench.Benchmarks;

/// <summary>In one long-lived pod per runtime: a sleep container created and started, then stopped and removed, each timed.</summary>
public sealed class ContainerLifecycleBenchmark : Benchmark
{
    public const string CreateStart = "CreateContainer+StartContainer";
    public const string StopRemove = "StopContainer+RemoveContainer";
    private readonly Dictionary<string, (string Id, PodSandboxConfig Config)> _pods = [];

    public override string Name => "container lifecycle";
    public override IReadOnlyList<string> Operations => [CreateStart, StopRemove];

    public override async Task SetUpAsync(CriWorkload workload, CancellationToken cancel) =>
        _pods[workload.Runtime.Name] = await workload.RunPodAsync(CriWorkload.UniqueName("lifecycle"), cancel);

    public override async Task RunSampleAsync(CriWorkload workload, SampleTimer timer, CancellationToken cancel)
    {
        var (podId, podConfig) = _pods[workload.Runtime.Name];
        var id = "";
        await timer.TimeAsync(CreateStart, async () =>
        {
            id = await workload.CreateContainerAsync(podId, podConfig, CriWorkload.UniqueName("sleep"), cancel);
            await workload.StartContainerAsync(id, cancel);
        });
        await timer.TimeAsync(StopRemove, () => workload.StopAndRemoveContainerAsync(id, cancel));
    }
}
