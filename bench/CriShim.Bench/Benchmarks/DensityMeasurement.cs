using CriShim.Bench.Host;
using CriShim.Bench.Runtimes;
using Grpc.Core;

namespace CriShim.Bench.Benchmarks;

/// <summary>What a runtime's own processes hold in memory with N one-container pods running.</summary>
public sealed record DensityResult(string Runtime, int Pods, long DaemonIdleRss)
{
    /// <summary>The idle daemon's resident anonymous memory; the rest of its idle RSS is mapped files.</summary>
    public long DaemonIdleAnonymous { get; init; }

    public long DaemonRss { get; init; }

    public long DaemonPss { get; init; }

    /// <summary>The daemon's resident anonymous memory (its heaps); the rest of its RSS is mapped files (code).</summary>
    public long DaemonAnonymous { get; init; }

    /// <summary>Daemon plus per-pod and per-container processes (pause, shims, monitors); not the workloads.</summary>
    public int Processes { get; init; }

    public long TotalRss { get; init; }

    /// <summary>Like <see cref="TotalRss"/> but with shared pages divided among their users (smaps_rollup Pss).</summary>
    public long TotalPss { get; init; }

    /// <summary>Count, RSS and PSS per kind of process ("crishim-runtime pause", "containerd-shim-runc-v2"...).</summary>
    public IReadOnlyList<ProcessKindMemory> ByKind { get; init; } = [];

    public string? Unavailable { get; init; }
    public string? Error { get; init; }
    public long RssPerPod => TotalRss / Pods;

    /// <summary>The per-pod and per-container processes alone: what each further pod costs.</summary>
    public long RssPerPodWithoutDaemon => (TotalRss - DaemonRss) / Pods;

    public long PssPerPod => TotalPss / Pods;

    public long PssPerPodWithoutDaemon => (TotalPss - DaemonPss) / Pods;
}

/// <summary>The memory of all processes of one kind, named by program and mode: sums, and the threads of all of them.</summary>
public sealed record ProcessKindMemory(string Kind, int Count, long Rss, long Pss, long Anonymous, int Threads);

/// <summary>
/// Density: N pods, each running one sleep container, on one runtime at a time; then the summed RSS
/// of the runtime's processes divided by N. The sleep processes themselves are the same on both
/// runtimes and are not counted.
/// </summary>
public sealed class DensityMeasurement(int pods)
{
    /// <summary>Lets monitors and shims finish their start-up allocations before memory is read.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public async Task<DensityResult> RunAsync(CriWorkload workload, ProcessMemory daemonIdle, CancellationToken cancel)
    {
        var result = new DensityResult(workload.Runtime.Name, pods, daemonIdle.Rss) { DaemonIdleAnonymous = daemonIdle.Anonymous };
        Console.Write($"  density: {pods} pods on {workload.Runtime.Name} ");
        try
        {
            for (var i = 0; i < pods; i++)
            {
                var (podId, podConfig) = await workload.RunPodAsync(CriWorkload.UniqueName("density"), cancel);
                var id = await workload.CreateContainerAsync(podId, podConfig, "sleep", cancel);
                await workload.StartContainerAsync(id, cancel);
                Console.Write('.');
            }
            await Task.Delay(Settle, cancel);
            var processes = workload.Runtime.RuntimeProcesses(HostProcess.Snapshot()).Select(p => (Process: p, Memory: p.Memory())).ToList();
            var daemon = processes.Single(p => p.Process.Pid == workload.Runtime.DaemonPid).Memory;
            return result with
            {
                DaemonRss = daemon.Rss,
                DaemonPss = daemon.Pss,
                DaemonAnonymous = daemon.Anonymous,
                Processes = processes.Count,
                TotalRss = processes.Sum(p => p.Memory.Rss),
                TotalPss = processes.Sum(p => p.Memory.Pss),
                ByKind = processes
                    .GroupBy(p => KindOf(p.Process), p => p.Memory)
                    .Select(g => new ProcessKindMemory(g.Key, g.Count(), g.Sum(m => m.Rss), g.Sum(m => m.Pss), g.Sum(m => m.Anonymous), g.Sum(m => m.Threads)))
                    .OrderBy(k => k.Kind, StringComparer.Ordinal)
                    .ToList(),
            };
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            var unimplemented = e is RpcException { StatusCode: StatusCode.Unimplemented };
            var error = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
            Console.Error.WriteLine($"\n  {workload.Runtime.Name}: density: {error}");
            return result with { Unavailable = unimplemented ? "n/a (UNIMPLEMENTED)" : "failed", Error = error };
        }
        finally
        {
            Console.WriteLine();
            try
            {
                await workload.RemoveAllPodsAsync(cancel);
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine($"  {workload.Runtime.Name}: density tear-down failed ({e.Message}); the final clean-up removes the rest");
            }
        }
    }

    /// <summary>The program's file name and, for one-binary-many-modes programs, its first argument.</summary>
    private static string KindOf(HostProcess process) => process.CommandLine switch
    {
        [var program, var mode, ..] when !mode.StartsWith('-') => $"{Path.GetFileName(program)} {mode}",
        [var program, ..] => Path.GetFileName(program),
        _ => "?",
    };
}
