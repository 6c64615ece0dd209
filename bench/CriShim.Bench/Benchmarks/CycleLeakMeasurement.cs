using CriShim.Bench.Runtimes;
using Grpc.Core;

namespace CriShim.Bench.Benchmarks;

/// <summary>The daemon's resident memory and open descriptors after a given number of pod cycles.</summary>
public sealed record CycleSample(int Cycle, long DaemonRss, int DaemonFds, double ElapsedSeconds);

/// <summary>
/// Many create/start/stop/remove cycles of a one-container pod on one runtime, with the daemon's RSS
/// and fd count sampled as it goes: both must stay flat after warm-up, or the daemon leaks per pod.
/// </summary>
public sealed class CycleLeakMeasurement(int cycles)
{
    public const string Name = "pod cycles";

    /// <summary>Samples taken over the run (plus one before the first cycle).</summary>
    private const int SampleCount = 20;

    public async Task<IReadOnlyList<CycleSample>> RunAsync(CriWorkload workload, CancellationToken cancel)
    {
        var samples = new List<CycleSample>();
        var every = Math.Max(1, cycles / SampleCount);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine($"  {Name}: {cycles} cycles of run pod, create+start container, stop+remove container, stop+remove pod on {workload.Runtime.Name}");
        samples.Add(Sample(workload, 0, clock));
        Console.WriteLine($"    cycle     0: RSS {samples[0].DaemonRss / 1048576.0,7:F1} MB, {samples[0].DaemonFds,4} fds");
        try
        {
            for (var cycle = 1; cycle <= cycles; cycle++)
            {
                var (podId, podConfig) = await workload.RunPodAsync(CriWorkload.UniqueName("cycle"), cancel);
                var id = await workload.CreateContainerAsync(podId, podConfig, "sleep", cancel);
                await workload.StartContainerAsync(id, cancel);
                await workload.StopAndRemoveContainerAsync(id, cancel);
                await workload.StopAndRemovePodAsync(podId, cancel);
                if (cycle % every == 0 || cycle == cycles)
                {
                    var sample = Sample(workload, cycle, clock);
                    samples.Add(sample);
                    Console.WriteLine($"    cycle {sample.Cycle,5}: RSS {sample.DaemonRss / 1048576.0,7:F1} MB, {sample.DaemonFds,4} fds, {sample.ElapsedSeconds,6:F0} s");
                }
            }
        }
        catch (RpcException e) when (!cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"  {workload.Runtime.Name}: {Name} stopped at a failed call: {e.StatusCode}: {e.Status.Detail}");
        }
        return samples;
    }

    private static CycleSample Sample(CriWorkload workload, int cycle, System.Diagnostics.Stopwatch clock)
    {
        var pid = workload.Runtime.DaemonPid;
        var rss = Host.HostProcess.Snapshot().Single(p => p.Pid == pid).Memory().Rss;
        var fds = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        return new CycleSample(cycle, rss, fds, clock.Elapsed.TotalSeconds);
    }
}
