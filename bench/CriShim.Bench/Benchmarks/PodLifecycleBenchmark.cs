using CriShim.Bench.Measurement;
using CriShim.Bench.Runtimes;

namespace CriShim.Bench.Benchmarks;

/// <summary>A pod on the CNI network, then its teardown, each timed.</summary>
public sealed class PodLifecycleBenchmark : Benchmark
{
    public const string Run = "RunPodSandbox";
    public const string StopRemove = "StopPodSandbox+RemovePodSandbox";

    public override string Name => "pod lifecycle";
    public override IReadOnlyList<string> Operations => [Run, StopRemove];

    public override async Task RunSampleAsync(CriWorkload workload, SampleTimer timer, CancellationToken cancel)
    {
        var podId = "";
        await timer.TimeAsync(Run, async () => podId = (await workload.RunPodAsync(CriWorkload.UniqueName("pod"), cancel)).Id);
        await timer.TimeAsync(StopRemove, () => workload.StopAndRemovePodAsync(podId, cancel));
    }
}
