using System.Diagnostics;
using System.Globalization;
using CriShim.NativeTests.Infrastructure;
using Xunit.Abstractions;

namespace CriShim.NativeTests.Container;

/// <summary>
/// With <c>--log-level debug</c> each CreateContainer and StartContainer logs where its time went, one line of steps
/// (issue #20: measure before removing steps). Runs <see cref="Samples"/> create+start pairs after a warm-up, checks
/// that every call logged its steps and that they add up to its total, and writes the medians (the client's wall
/// time of CreateContainer+StartContainer and each step) to the test output:
/// <c>dotnet test … --filter StartStepTimingsTests --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection("containers")]
public sealed class StartStepTimingsTests(ContainerImagesFixture images, ITestOutputHelper output)
{
    private const int Samples = 20;
    private const int WarmUp = 2;

    [RootFact]
    public async Task Every_create_and_start_logs_steps_that_add_up_to_its_total()
    {
        await using var scene = await ContainerScene.StartAsync(images, "--log-level", "debug");
        var podConfig = scene.Pods.Config("steptimes");
        podConfig.LogDirectory = Path.Combine(scene.LogDirectory, "steptimes");
        // Not under crishimtest-*: another test run's sweep of empty test cgroups would take this one's between create and start.
        podConfig.Linux.CgroupParent = $"/crishimsteps-{Guid.NewGuid():N}"[..23] + "/podsteptimes";
        var pod = await scene.Pods.RunAsync(podConfig);
        var wall = new List<double>();
        var ids = new List<string>();
        for (var i = 0; i < WarmUp + Samples; i++)
        {
            var watch = Stopwatch.StartNew();
            var id = await scene.RunAsync(pod, podConfig, scene.Config($"timed{i}", "sleep", "1000"));
            watch.Stop();
            if (i >= WarmUp)
            {
                wall.Add(watch.Elapsed.TotalMilliseconds);
                ids.Add(id);
            }
        }

        // The daemon's stderr arrives through a pipe: wait for the last call's line.
        var log = scene.Daemon.Log;
        for (var waited = 0; waited < 5000 && !log.Contains($"StartContainer {ids[^1]} steps: ", StringComparison.Ordinal); waited += 50)
        {
            await Task.Delay(50);
            log = scene.Daemon.Log;
        }
        output.WriteLine($"CreateContainer+StartContainer (client, {Samples} samples): median {Median(wall):0.0} ms, min {wall.Min():0.0} ms, max {wall.Max():0.0} ms");
        foreach (var operation in new[] { "CreateContainer", "StartContainer" })
        {
            var calls = ids.Select(id => StepsOf(log, operation, id)).ToList();
            foreach (var (steps, total) in calls)
            {
                Assert.NotEmpty(steps);
                // Each step is rounded to 0.1 ms.
                Assert.InRange(steps.Sum(s => s.Milliseconds), total - 0.05 * steps.Count - 0.1, total + 0.05 * steps.Count + 0.1);
            }
            output.WriteLine($"{operation}: total median {Median(calls.Select(c => c.Total).ToList()):0.0} ms");
            foreach (var name in calls[0].Steps.Select(s => s.Name))
            {
                var times = calls.Select(c => c.Steps.FirstOrDefault(s => s.Name == name).Milliseconds).ToList();
                output.WriteLine($"  {name}: median {Median(times):0.0} ms");
            }
        }
    }

    /// <summary>The steps and total of one call, from its debug line.</summary>
    private static (List<(string Name, double Milliseconds)> Steps, double Total) StepsOf(string log, string operation, string id)
    {
        var line = log.Split('\n').LastOrDefault(l => l.Contains($"{operation} {id} steps: ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no steps logged for {operation} {id}:\n{log}");
        // The test daemon logs JSON: the steps end where the message's string does.
        var text = line[(line.IndexOf(" steps: ", StringComparison.Ordinal) + 8)..];
        text = text.Contains('"', StringComparison.Ordinal) ? text[..text.IndexOf('"', StringComparison.Ordinal)] : text;
        var steps = new List<(string, double)>();
        double? total = null;
        // "<name> <ms> ms, …, total <ms> ms": a name may hold a comma itself ("container-start, monitor and init").
        foreach (var step in text.TrimEnd().Split(" ms, "))
        {
            var entry = step.EndsWith(" ms", StringComparison.Ordinal) ? step[..^3] : step;
            var space = entry.LastIndexOf(' ');
            var milliseconds = double.Parse(entry[(space + 1)..], CultureInfo.InvariantCulture);
            if (entry[..space] == "total")
            {
                total = milliseconds;
            }
            else
            {
                steps.Add((entry[..space], milliseconds));
            }
        }
        return (steps, total ?? throw new Xunit.Sdk.XunitException($"no total in: {line}"));
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
