namespace CriShim.Bench.Measurement;

/// <summary>One runtime's samples of one operation, or why it has none.</summary>
public sealed class RuntimeSamples
{
    public List<double> Milliseconds { get; } = [];

    /// <summary>Set when the runtime could not run the operation: "n/a (UNIMPLEMENTED)", "failed: ...".</summary>
    public string? Unavailable { get; set; }

    /// <summary>The full error behind <see cref="Unavailable"/>.</summary>
    public string? Error { get; set; }

    public bool HasSamples => Unavailable is null && Milliseconds.Count > 0;
    public double Median => Statistics.Median(Milliseconds);
    public double P90 => Statistics.P90(Milliseconds);
}

/// <summary>A measured operation: its samples per runtime, in the order the runtimes were given.</summary>
public sealed class OperationResult(string benchmark, string operation, IEnumerable<string> runtimes)
{
    public string Benchmark { get; } = benchmark;
    public string Operation { get; } = operation;
    public Dictionary<string, RuntimeSamples> Runtimes { get; } = runtimes.ToDictionary(r => r, _ => new RuntimeSamples());

    /// <summary>First runtime's median over the second's, when both have samples.</summary>
    public double? Ratio(string numerator, string denominator) =>
        Runtimes[numerator].HasSamples && Runtimes[denominator].HasSamples
            ? Runtimes[numerator].Median / Runtimes[denominator].Median
            : null;
}
