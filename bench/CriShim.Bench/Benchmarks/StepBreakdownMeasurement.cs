using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CriShim.Bench.Measurement;
using CriShim.Bench.Runtimes;

namespace CriShim.Bench.Benchmarks;

/// <summary>One daemon step of a CRI call and its median over the calls measured.</summary>
public sealed record StepMedian(string Step, double Milliseconds);

/// <summary>Where one kind of CRI call spends its time in crishim: each step's median, and the median total.</summary>
public sealed record OperationSteps(string Operation, int Calls, IReadOnlyList<StepMedian> Steps, double Total);

/// <summary>
/// Why crishim's start takes what it takes: with the daemon switched to debug (its configuration and SIGHUP), N pods each
/// with one started container; each RunPodSandbox, CreateContainer and StartContainer logs its steps (StepTimings), and the
/// medians of every step are reported. Runs after the timed benchmarks, apart from them, so debug logging costs none of
/// their samples.
/// </summary>
public sealed partial class StepBreakdownMeasurement(int calls)
{
    public const string Name = "steps";

    public static readonly string[] Operations = ["RunPodSandbox", "CreateContainer", "StartContainer"];

    public async Task<IReadOnlyList<OperationSteps>> RunAsync(CriWorkload workload, CrishimRuntime crishim, CancellationToken cancel)
    {
        Console.Write($"  steps: {calls} pods with a container on {crishim.Name}, daemon at debug ");
        crishim.Log.StartCapture(line => line.Contains(" steps: ", StringComparison.Ordinal));
        try
        {
            await crishim.SetLogLevelAsync("debug", cancel);
            for (var i = 0; i < calls; i++)
            {
                var (podId, podConfig) = await workload.RunPodAsync(CriWorkload.UniqueName("steps"), cancel);
                await workload.StartContainerAsync(await workload.CreateContainerAsync(podId, podConfig, "sleep", cancel), cancel);
                Console.Write('.');
            }
        }
        finally
        {
            Console.WriteLine();
            await crishim.SetLogLevelAsync("info", cancel);
            await workload.RemoveAllPodsAsync(cancel);
        }
        var logged = crishim.Log.StopCapture().Select(Parse).OfType<(string Operation, List<(string, double)> Steps, double Total)>().ToList();
        return Operations
            .Select(operation => logged.Where(l => l.Operation == operation).ToList())
            .Where(calls => calls.Count > 0)
            .Select(calls => new OperationSteps(
                calls[0].Operation,
                calls.Count,
                calls.SelectMany(c => c.Steps)
                    .GroupBy(s => s.Item1, s => s.Item2)
                    .Select(g => new StepMedian(g.Key, Statistics.Median([.. g])))
                    .ToList(),
                Statistics.Median([.. calls.Select(c => c.Total)])))
            .ToList();
    }

    /// <summary>
    /// A JSON console line whose message is <c>CreateContainer &lt;id&gt; steps: validate and plan 0.4 ms, … total 30.2 ms</c>;
    /// null for any other line.
    /// </summary>
    private static (string Operation, List<(string Step, double Milliseconds)> Steps, double Total)? Parse(string line)
    {
        string? message;
        try
        {
            using var json = JsonDocument.Parse(line);
            message = json.RootElement.TryGetProperty("Message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
        if (message is null || StepsLine().Match(message) is not { Success: true } match)
        {
            return null;
        }
        var steps = StepItem().Matches(match.Groups["steps"].Value)
            .Select(m => (m.Groups["name"].Value, double.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture)))
            .ToList();
        var total = steps.FindLast(s => s.Item1 == "total");
        return (match.Groups["operation"].Value, steps.Where(s => s.Item1 != "total").ToList(), total.Item2);
    }

    [GeneratedRegex(@"^(?<operation>\w+) \S+ steps: (?<steps>.*)$")]
    private static partial Regex StepsLine();

    /// <summary>One "name 1.2 ms" of the list; a name may hold ", " itself ("container-start, monitor and init").</summary>
    [GeneratedRegex(@"(?:^|, )(?<name>.+?) (?<ms>[0-9]+(?:\.[0-9]+)?) ms(?=, |$)")]
    private static partial Regex StepItem();
}
