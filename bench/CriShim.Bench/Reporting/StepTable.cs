using System.Globalization;
using System.Text;
using CriShim.Bench.Benchmarks;

namespace CriShim.Bench.Reporting;

/// <summary>The steps of crishim's RunPodSandbox, CreateContainer and StartContainer, each with its median and share of the call.</summary>
public static class StepTable
{
    public static string Render(IReadOnlyList<OperationSteps> operations)
    {
        var text = new StringBuilder();
        text.AppendLine("where crishim's start time goes (its debug log; medians in ms, share of the call's median total):");
        foreach (var operation in operations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {operation.Operation} ({operation.Calls} calls): total {operation.Total:0.0}");
            foreach (var step in operation.Steps)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"    {step.Step,-40}{step.Milliseconds,8:0.0}{(operation.Total > 0 ? step.Milliseconds / operation.Total : 0),6:0%}");
            }
        }
        return text.ToString();
    }

    /// <summary>The <paramref name="count"/> slowest steps of <paramref name="operations"/>' calls, as "Call: step 12.3 ms".</summary>
    public static string Largest(IEnumerable<OperationSteps> operations, int count) => string.Join(", ", operations
        .SelectMany(o => o.Steps.Select(s => (o.Operation, s.Step, s.Milliseconds)))
        .OrderByDescending(s => s.Milliseconds)
        .Take(count)
        .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Operation}: {s.Step} {s.Milliseconds:0.0} ms")));
}
