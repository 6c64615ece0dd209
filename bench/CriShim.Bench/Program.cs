using System.Runtime.InteropServices;
using CriShim.Bench;
using CriShim.Bench.Benchmarks;
using CriShim.Bench.Host;
using CriShim.Bench.Images;
using CriShim.Bench.Measurement;
using CriShim.Bench.Reporting;
using CriShim.Bench.Runtimes;

const string CgroupRoot = "crishim-bench";
// Private subnets and bridge names of our own, one per runtime, so their pods never share addresses.
var crishimNetwork = new BenchNetwork("crishim-bench", "crbench0", "10.98.0.0/24");
var containerdNetwork = new BenchNetwork("containerd-bench", "ctrdbench0", "10.97.0.0/24");

BenchOptions options;
try
{
    options = BenchOptions.Parse(args, Checkout.Find());
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"crishim-bench: {e.Message}\n{BenchOptions.Usage}");
    return 2;
}
if (!Environment.IsPrivilegedProcess)
{
    Console.Error.WriteLine("crishim-bench: run as root (both runtimes create namespaces, mounts and cgroups)");
    return 2;
}
var runtimeHelper = Path.Combine(options.BinDir, "crishim-runtime");
var missing = new[] { Path.Combine(options.BinDir, "crishim"), runtimeHelper, ContainerdRuntime.Binary, "/usr/bin/runc", LocalRegistry.Binary, "/bin/busybox", "/usr/lib/cni/bridge", "/usr/bin/gcc" }
    .Where(f => !File.Exists(f))
    .ToList();
if (missing.Count > 0)
{
    Console.Error.WriteLine($"crishim-bench: missing {string.Join(", ", missing)} (make build; bench/run.sh installs the Debian packages)");
    return 2;
}

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    Console.Error.WriteLine("\ninterrupted: stopping both runtimes and cleaning up");
    interrupt.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    Console.Error.WriteLine("\nterminated: stopping both runtimes and cleaning up");
    interrupt.Cancel();
});
var cancel = interrupt.Token;

var cleanup = new HostCleanup(options.WorkDir, CgroupRoot, [crishimNetwork, containerdNetwork],
    [() => ContainerdRuntime.RemoveLeftoversOutside(ContainerdDirectory(options))]);
await cleanup.RunAsync();
Directory.CreateDirectory(options.WorkDir);
var started = DateTimeOffset.Now;
LocalRegistry? registry = null;
var runtimes = new List<BenchRuntime>();
try
{
    Console.WriteLine($"crishim-bench{(options.Quick ? " (quick)" : "")}: work dir {options.WorkDir}");
    registry = await LocalRegistry.StartAsync(Path.Combine(options.WorkDir, "registry"));
    var images = await BenchImages.BuildAndPushAsync(registry, Path.Combine(Checkout.Find(), "bench", "pause", "pause.c"), options.WorkDir);
    Console.WriteLine($"  registry {registry.Host}; pause image for containerd (static C pause): {images.Pause}");

    runtimes.Add(new CrishimRuntime(options.BinDir, Path.Combine(options.WorkDir, "crishim"), crishimNetwork, CgroupRoot));
    runtimes.Add(new ContainerdRuntime(ContainerdDirectory(options), containerdNetwork, CgroupRoot));
    foreach (var runtime in runtimes)
    {
        await runtime.StartAsync(images.Pause, registry.Host, cancel);
        Console.WriteLine($"  {runtime.Name}: {runtime.Version}, pid {runtime.DaemonPid}, bridge {runtime.Network.Bridge} {runtime.Network.Subnet}");
    }
    await Task.Delay(TimeSpan.FromSeconds(2), cancel);
    var idleMemory = runtimes.ToDictionary(r => r.Name, r => HostProcess.Snapshot().Single(p => p.Pid == r.DaemonPid).Memory());

    var workloads = runtimes.Select(r => new CriWorkload(r, images.Busybox)).ToList();
    foreach (var workload in workloads)
    {
        try
        {
            await workload.PullAsync(cancel);
        }
        catch (Grpc.Core.RpcException e)
        {
            Console.Error.WriteLine($"  {workload.Runtime.Name}: pulling {images.Busybox} failed ({e.StatusCode}: {e.Status.Detail}); benchmarks that need it will say so");
        }
    }

    var runner = new AlternatingRunner(options, workloads);
    Benchmark[] benchmarks =
    [
        new ColdPullBenchmark(images.MultiLayer, images.MultiLayerDescription),
        new PodLifecycleBenchmark(),
        new ContainerLifecycleBenchmark(),
        new ExecSyncBenchmark(),
        new ExecStreamBenchmark(),
        new StartFromScratchBenchmark(),
        new ListBenchmark(options.ListContainers),
    ];
    var operations = new List<OperationResult>();
    foreach (var benchmark in benchmarks.Where(b => options.Includes(b.Name)))
    {
        operations.AddRange(await runner.RunAsync(benchmark, cancel));
    }
    var density = new List<DensityResult>();
    foreach (var workload in workloads.Where(_ => options.Includes("density")))
    {
        density.Add(await new DensityMeasurement(options.DensityPods).RunAsync(workload, idleMemory[workload.Runtime.Name], cancel));
    }

    var steps = new List<OperationSteps>();
    foreach (var workload in workloads.Where(w => w.Runtime is CrishimRuntime && options.Includes(StepBreakdownMeasurement.Name)))
    {
        steps.AddRange(await new StepBreakdownMeasurement(options.StepCalls).RunAsync(workload, (CrishimRuntime)workload.Runtime, cancel));
    }

    var cycles = new List<CycleSample>();
    foreach (var workload in workloads.Where(w => w.Runtime.Name == "crishim" && options.Includes(CycleLeakMeasurement.Name)))
    {
        cycles.AddRange(await new CycleLeakMeasurement(options.Cycles).RunAsync(workload, cancel));
        await workload.RemoveAllPodsAsync(cancel);
    }

    Directory.CreateDirectory(options.ResultsDir);
    var stem = Path.Combine(options.ResultsDir, $"bench-{started:yyyyMMdd-HHmmss}{(options.Quick ? "-quick" : "")}");
    // The table and chart compare operations and density; a run of the cycles alone has none of them.
    if (operations.Count + density.Count > 0)
    {
        var report = new BenchReport(started, options, runtimes.ToDictionary(r => r.Name, r => r.Version), "containerd", "crishim", operations, density)
        {
            Steps = steps,
        };
        Console.WriteLine();
        Console.Write(ResultTable.Render(report));
        if (steps.Count > 0)
        {
            Console.WriteLine();
            Console.Write(StepTable.Render(steps));
        }
        Console.WriteLine();
        Console.Write(TargetTable.Render(report));
        await File.WriteAllTextAsync(stem + ".json", ResultsJson.Render(report));
        await File.WriteAllTextAsync(stem + ".svg", SvgChart.Render(report));
        Console.WriteLine($"\nraw samples: {stem}.json\nchart:       {stem}.svg");
    }
    else if (steps.Count > 0)
    {
        Console.WriteLine();
        Console.Write(StepTable.Render(steps));
    }
    if (cycles.Count > 0)
    {
        await File.WriteAllTextAsync(stem + "-cycles.json", System.Text.Json.JsonSerializer.Serialize(cycles));
        Console.WriteLine($"pod cycles:  {stem}-cycles.json");
    }
    foreach (var runtime in runtimes)
    {
        await File.WriteAllTextAsync($"{stem}-{runtime.Name}.log", runtime.LogTail);
    }
    Console.WriteLine($"daemon logs: {stem}-<runtime>.log (last 64 KiB)");
    // UNIMPLEMENTED is expected while RPCs are being written; anything else fails the run.
    var failed = operations.SelectMany(o => o.Runtimes.Values).Any(s => s.Error is not null && s.Unavailable?.StartsWith("n/a", StringComparison.Ordinal) != true)
        || density.Any(d => d.Error is not null && d.Unavailable?.StartsWith("n/a", StringComparison.Ordinal) != true);
    return failed ? 1 : 0;
}
catch (Exception) when (cancel.IsCancellationRequested)
{
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"crishim-bench: {e.Message}");
    foreach (var runtime in runtimes)
    {
        Console.Error.WriteLine($"--- {runtime.Name} log (last lines) ---\n{string.Join('\n', runtime.LogTail.Split('\n').TakeLast(30))}");
    }
    return 1;
}
finally
{
    Console.WriteLine("cleaning up: pods through CRI, then daemons, processes, mounts, cgroups, bridges");
    foreach (var runtime in runtimes)
    {
        await RemovePodsAsync(runtime, cancel.IsCancellationRequested ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(60));
        await runtime.DisposeAsync();
    }
    if (registry is not null)
    {
        await registry.DisposeAsync();
    }
    await cleanup.RunAsync();
}

// Pods go through the runtime first so CNI DEL releases addresses; the host cleanup forces the rest.
static string ContainerdDirectory(BenchOptions options) => Path.Combine(options.WorkDir, "containerd");

// An interrupted run waits less: the user wants the prompt back, and the host cleanup is thorough.
static async Task RemovePodsAsync(BenchRuntime runtime, TimeSpan patience)
{
    using var timeout = new CancellationTokenSource(patience);
    try
    {
        await new CriWorkload(runtime, "").RemoveAllPodsAsync(timeout.Token);
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"  {runtime.Name}: removing pods through CRI failed ({e.Message}); forcing");
    }
}
