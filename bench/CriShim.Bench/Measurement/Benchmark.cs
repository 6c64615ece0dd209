using CriShim.Bench.Runtimes;

namespace CriShim.Bench.Measurement;

/// <summary>
/// A group of operations measured together, one sample per runtime per round. Set-up and
/// tear-down run once per runtime; a sample prepares what it needs untimed and times only the
/// operations it names.
/// </summary>
public abstract class Benchmark
{
    public abstract string Name { get; }

    /// <summary>The operations a sample times, in table order.</summary>
    public abstract IReadOnlyList<string> Operations { get; }

    public virtual int Samples(BenchOptions options) => options.Samples;

    /// <summary>True when an operation can fail without making the others of the sample meaningless.</summary>
    public virtual bool IndependentOperations => false;

    public virtual Task SetUpAsync(CriWorkload workload, CancellationToken cancel) => Task.CompletedTask;

    public abstract Task RunSampleAsync(CriWorkload workload, SampleTimer timer, CancellationToken cancel);

    /// <summary>Removes what the benchmark created; by default every pod of the runtime.</summary>
    public virtual Task TearDownAsync(CriWorkload workload, CancellationToken cancel) => workload.RemoveAllPodsAsync(cancel);
}
