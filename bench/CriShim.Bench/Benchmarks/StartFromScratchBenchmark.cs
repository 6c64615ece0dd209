using CriShim.Bench.Measurement;
using CriShim.Bench.Runtimes;

namespace CriShim.Bench.Benchmarks;

/// <summary>What kubelet does to start a one-container pod whose image is cached: PullImage, RunPodSandbox, CreateContainer, StartContainer.</summary>
public sealed class StartFromScratchBenchmark : Benchmark
{
    public const string Start = "start from scratch (pull cached, pod, container)";

    public override string Name => "start from scratch";
    public override IReadOnlyList<string> Operations => [Start];

    public override async Task RunSampleAsync(CriWorkload workload, SampleTimer timer, CancellationToken cancel)
    {
        var podId = "";
        await timer.TimeAsync(Start, async () =>
        {
            await workload.PullAsync(cancel);
            var (id, config) = await workload.RunPodAsync(CriWorkload.UniqueName("scratch"), cancel);
            podId = id;
            var container = await workload.CreateContainerAsync(id, config, "sleep", cancel);
            await workload.StartContainerAsync(container, cancel);
        });
        await timer.UntimedAsync("StopPodSandbox+RemovePodSandbox", () => workload.StopAndRemovePodAsync(podId, cancel));
    }
}
