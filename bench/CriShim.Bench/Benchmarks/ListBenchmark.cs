using CriShim.Bench.Measurement;
using CriShim.Bench.Runtimes;
using CriShim.Protocol.V1;

namespace CriShim.Bench.Benchmarks;

/// <summary>ListContainers and ListContainerStats, unfiltered as kubelet's relist and stats provider call them, with N containers running.</summary>
public sealed class ListBenchmark(int containers) : Benchmark
{
    private const int ContainersPerPod = 5;

    public string List => $"ListContainers ({containers} running)";
    public string Stats => $"ListContainerStats ({containers} running)";
    public override string Name => $"list with {containers} running containers";
    public override IReadOnlyList<string> Operations => [List, Stats];
    public override bool IndependentOperations => true;

    public override async Task SetUpAsync(CriWorkload workload, CancellationToken cancel)
    {
        for (var started = 0; started < containers;)
        {
            var (podId, podConfig) = await workload.RunPodAsync(CriWorkload.UniqueName("list"), cancel);
            for (var i = 0; i < ContainersPerPod && started < containers; i++, started++)
            {
                var id = await workload.CreateContainerAsync(podId, podConfig, $"sleep{i}", cancel);
                await workload.StartContainerAsync(id, cancel);
            }
        }
    }

    public override async Task RunSampleAsync(CriWorkload workload, SampleTimer timer, CancellationToken cancel)
    {
        var runtime = workload.Runtime.Runtime;
        await timer.TimeAsync(List, async () =>
            Expect((await runtime.ListContainersAsync(new ListContainersRequest(), CriWorkload.Call(cancel))).Containers.Count, "containers"));
        await timer.TimeAsync(Stats, async () =>
            Expect((await runtime.ListContainerStatsAsync(new ListContainerStatsRequest(), CriWorkload.Call(cancel))).Stats.Count, "container stats"));
    }

    private void Expect(int count, string what)
    {
        if (count < containers)
        {
            throw new InvalidOperationException($"listed {count} {what}, expected {containers}");
        }
    }
}
