using CriShim.Bench.Measurement;
using CriShim.Bench.Runtimes;
using CriShim.Protocol.V1;
using CriShim.Streaming.Client;

namespace CriShim.Bench.Benchmarks;

/// <summary>
/// Time to first byte of a streamed exec (<c>echo</c>) as <c>kubectl exec</c> sees it: the Exec RPC,
/// the SPDY upgrade to the runtime's streaming server (v4) and the first byte of stdout, through
/// crishim's own client library for both runtimes.
/// </summary>
public sealed class ExecStreamBenchmark : Benchmark
{
    public const string FirstByte = "Exec echo (first byte)";
    private readonly Dictionary<string, string> _containers = [];

    public override string Name => "exec-stream";
    public override IReadOnlyList<string> Operations => [FirstByte];

    public override async Task SetUpAsync(CriWorkload workload, CancellationToken cancel)
    {
        var (podId, podConfig) = await workload.RunPodAsync(CriWorkload.UniqueName("stream"), cancel);
        var id = await workload.CreateContainerAsync(podId, podConfig, "sleep", cancel);
        await workload.StartContainerAsync(id, cancel);
        _containers[workload.Runtime.Name] = id;
    }

    public override async Task RunSampleAsync(CriWorkload workload, SampleTimer timer, CancellationToken cancel)
    {
        var request = new ExecRequest { ContainerId = _containers[workload.Runtime.Name], Cmd = { "echo", "ready" }, Stdout = true };
        var stdout = new FirstByteStream();
        Task<int> run = Task.FromResult(-1);
        await timer.TimeAsync(FirstByte, async () =>
        {
            var url = (await workload.Runtime.Runtime.ExecAsync(request, CriWorkload.Call(cancel))).Url;
            run = RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions { Stdout = stdout }, cancel);
            if (await Task.WhenAny(stdout.FirstByte, run) == run && !stdout.FirstByte.IsCompleted)
            {
                throw new InvalidOperationException($"streamed echo ended (exit {await run}) before any output");
            }
        });
        var exitCode = await run;
        if (exitCode != 0 || stdout.Text != "ready\n")
        {
            throw new InvalidOperationException($"streamed echo exited {exitCode} with output '{stdout.Text}'");
        }
    }

    /// <summary>Collects stdout and says when its first byte arrived.</summary>
    private sealed class FirstByteStream : MemoryStream
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstByte => _first.Task;

        public string Text => System.Text.Encoding.UTF8.GetString(ToArray());

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            if (!buffer.IsEmpty)
            {
                _first.TrySetResult();
            }
            return ValueTask.CompletedTask;
        }
    }
}
