using CriShim.Bench.Measurement;
using CriShim.Bench.Runtimes;
using CriShim.Protocol.V1;

namespace CriShim.Bench.Benchmarks;

/// <summary>ExecSync <c>true</c> in a running sleep container, as liveness probes do.</summary>
public sealed class ExecSyncBenchmark : Benchmark
{
    public const string Exec = "ExecSync true";
    private readonly Dictionary<string, string> _containers = [];

    public override string Name => "exec";
    public override IReadOnlyList<string> Operations => [Exec];

    public override async Task SetUpAsync(CriWorkload workload, CancellationToken cancel)
    {
        var (podId, podConfig) = await workload.RunPodAsync(CriWorkload.UniqueName("exec"), cancel);
        var id = await workload.CreateContainerAsync(podId, podConfig, "sleep", cancel);
        await workload.StartContainerAsync(id, cancel);
        _containers[workload.Runtime.Name] = id;
    }

    public override async Task RunSampleAsync(CriWorkload workload, SampleTimer timer, CancellationToken cancel)
    {
        var request = new ExecSyncRequest { ContainerId = _containers[workload.Runtime.Name], Cmd = { "true" }, Timeout = 30 };
        var response = new ExecSyncResponse();
        await timer.TimeAsync(Exec, async () => response = await workload.Runtime.Runtime.ExecSyncAsync(request, CriWorkload.Call(cancel)));
        if (response.ExitCode != 0)
        {
            throw new InvalidOperationException($"ExecSync true exited {response.ExitCode}: {response.Stderr.ToStringUtf8()}");
        }
    }
}
