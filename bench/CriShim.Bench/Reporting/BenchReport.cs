using CriShim.Bench.Benchmarks;
using CriShim.Bench.Measurement;

namespace CriShim.Bench.Reporting;

/// <summary>Everything one run measured, for the table, the JSON and the chart.</summary>
public sealed record BenchReport(
    DateTimeOffset Started,
    BenchOptions Options,
    IReadOnlyDictionary<string, string> RuntimeVersions,
    string Baseline,
    string Candidate,
    IReadOnlyList<OperationResult> Operations,
    IReadOnlyList<DensityResult> Density)
{
    /// <summary>crishim's own steps of a pod and container start, from its debug log; empty when not measured.</summary>
    public IReadOnlyList<OperationSteps> Steps { get; init; } = [];
}
