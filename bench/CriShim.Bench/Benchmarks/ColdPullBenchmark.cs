using CriShim.Bench.Measurement;
using CriShim.Bench.Runtimes;

namespace CriShim.Bench.Benchmarks;

/// <summary>PullImage of the multi-layer image from the local registry, removed (and its layers collected) before each sample.</summary>
public sealed class ColdPullBenchmark(string image, string description) : Benchmark
{
    public const string Pull = "image pull (cold)";

    public override string Name => $"cold pull of {description}";
    public override IReadOnlyList<string> Operations => [Pull];
    public override int Samples(BenchOptions options) => options.PullSamples;

    public override async Task RunSampleAsync(CriWorkload workload, SampleTimer timer, CancellationToken cancel)
    {
        var pull = new CriWorkload(workload.Runtime, image);
        await timer.UntimedAsync("RemoveImage", () => pull.RemoveImageAsync(cancel));
        await timer.TimeAsync(Pull, () => pull.PullAsync(cancel));
    }

    public override Task TearDownAsync(CriWorkload workload, CancellationToken cancel) =>
        new CriWorkload(workload.Runtime, image).RemoveImageAsync(cancel);
}
