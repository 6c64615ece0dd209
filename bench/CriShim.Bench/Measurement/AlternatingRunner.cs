using CriShim.Bench.Runtimes;
using Grpc.Core;

namespace CriShim.Bench.Measurement;

/// <summary>
/// Runs a benchmark on all runtimes in turn, one sample each per round (A B A B ...), so machine
/// drift (page cache, CPU frequency, other load) hits both alike. Warm-up rounds are discarded.
/// A runtime that fails or answers UNIMPLEMENTED drops out of this benchmark only: its operations
/// are marked with the reason and the other runtime carries on.
/// </summary>
public sealed class AlternatingRunner(BenchOptions options, IReadOnlyList<CriWorkload> workloads)
{
    public async Task<IReadOnlyList<OperationResult>> RunAsync(Benchmark benchmark, CancellationToken cancel)
    {
        var runtimes = workloads.Select(w => w.Runtime.Name).ToList();
        var results = benchmark.Operations.Select(op => new OperationResult(benchmark.Name, op, runtimes)).ToList();
        var samples = benchmark.Samples(options);
        Console.Write($"  {benchmark.Name} ({options.Warmup} warm-up + {samples} samples) ");
        var active = new List<CriWorkload>();
        var skipped = workloads.ToDictionary(w => w.Runtime.Name, _ => new HashSet<string>());
        try
        {
            foreach (var workload in workloads)
            {
                try
                {
                    await benchmark.SetUpAsync(workload, cancel);
                    active.Add(workload);
                }
                catch (Exception e) when (!cancel.IsCancellationRequested)
                {
                    MarkUnavailable(results, workload, "set-up", e);
                }
            }
            for (var round = 0; round < options.Warmup + samples; round++)
            {
                foreach (var workload in active.ToList())
                {
                    var name = workload.Runtime.Name;
                    var timer = new SampleTimer(skipped[name], benchmark.IndependentOperations);
                    try
                    {
                        await benchmark.RunSampleAsync(workload, timer, cancel);
                    }
                    catch (Exception e) when (!cancel.IsCancellationRequested)
                    {
                        active.Remove(workload);
                        MarkUnavailable(results, workload, timer.Current ?? "preparing a sample", e);
                        continue;
                    }
                    foreach (var (operation, e) in timer.Failed)
                    {
                        skipped[name].Add(operation);
                        MarkUnavailable(results.Where(r => r.Operation == operation).ToList(), workload, operation, e);
                    }
                    if (skipped[name].Count == results.Count)
                    {
                        active.Remove(workload);
                    }
                    if (round >= options.Warmup)
                    {
                        foreach (var (operation, ms) in timer.Measured)
                        {
                            results.Single(r => r.Operation == operation).Runtimes[name].Milliseconds.Add(ms);
                        }
                    }
                }
                Console.Write('.');
            }
        }
        finally
        {
            foreach (var workload in workloads)
            {
                try
                {
                    await benchmark.TearDownAsync(workload, cancel);
                }
                catch (Exception e) when (!cancel.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"\n  {workload.Runtime.Name}: tear-down of {benchmark.Name} failed ({Describe(e)}); the final clean-up removes the rest");
                }
            }
            Console.WriteLine();
        }
        return results;
    }

    /// <summary>Marks every operation of the benchmark for this runtime; the one that failed gets the reason.</summary>
    private static void MarkUnavailable(IReadOnlyList<OperationResult> results, CriWorkload workload, string step, Exception e)
    {
        var unimplemented = e is RpcException { StatusCode: StatusCode.Unimplemented };
        var prefix = unimplemented ? "n/a" : "failed";
        var kind = unimplemented ? "UNIMPLEMENTED" : e is RpcException rpc ? rpc.StatusCode.ToString() : e.GetType().Name;
        var error = $"{step}: {Describe(e)}";
        Console.Error.WriteLine($"\n  {workload.Runtime.Name}: {error}");
        foreach (var result in results)
        {
            var samples = result.Runtimes[workload.Runtime.Name];
            samples.Unavailable = result.Operation == step ? $"{prefix} ({kind})" : unimplemented ? "n/a (UNIMPLEMENTED step)" : "not run (step failed)";
            samples.Error = error;
        }
    }

    private static string Describe(Exception e) => e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
}
