using System.Diagnostics;

namespace CriShim.Bench.Measurement;

/// <summary>
/// Times the operations of one sample; work outside <see cref="TimeAsync"/> is preparation and not
/// counted. For benchmarks whose operations do not depend on each other, a failing operation is
/// recorded and the sample goes on, and operations that failed before are skipped.
/// </summary>
public sealed class SampleTimer(IReadOnlySet<string> skipped, bool independentOperations)
{
    private readonly Dictionary<string, double> _measured = [];
    private readonly Dictionary<string, Exception> _failed = [];

    public IReadOnlyDictionary<string, double> Measured => _measured;

    /// <summary>Operations that failed in this sample of an independent-operations benchmark.</summary>
    public IReadOnlyDictionary<string, Exception> Failed => _failed;

    /// <summary>The step running now, to blame when something throws.</summary>
    public string? Current { get; private set; }

    public async Task TimeAsync(string operation, Func<Task> action)
    {
        if (skipped.Contains(operation))
        {
            return;
        }
        Current = operation;
        var start = Stopwatch.GetTimestamp();
        try
        {
            await action();
        }
        catch (Exception e) when (independentOperations && e is not OperationCanceledException)
        {
            _failed[operation] = e;
            Current = null;
            return;
        }
        _measured[operation] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Current = null;
    }

    /// <summary>Runs preparation that is not measured, named so a failure is blamed on it.</summary>
    public async Task UntimedAsync(string step, Func<Task> action)
    {
        Current = step;
        await action();
        Current = null;
    }
}
