using CriShim.Native;

namespace CriShim.Runtime.Daemon;

/// <summary>
/// Test-only crash injection. When the daemon runs with <c>CRISHIM_FAULT_KILL_AT=&lt;step&gt;</c>, it
/// SIGKILLs itself the moment it reaches that named step, so the fault tests crash it at a known point
/// of a CRI call instead of guessing with timers. Unset (always, outside tests) it does nothing.
/// </summary>
public static class FaultPoint
{
    public const string Variable = "CRISHIM_FAULT_KILL_AT";

    private static readonly string? Target = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } step ? step : null;

    public static void Reach(string step)
    {
        if (Target is null || !string.Equals(Target, step, StringComparison.Ordinal))
        {
            return;
        }
        Console.Error.WriteLine($"{{\"Message\":\"fault injection: SIGKILL at {step}\"}}");
        Console.Error.Flush();
        Processes.Signal(Environment.ProcessId, Signals.SIGKILL);
        // SIGKILL to oneself is delivered on the way out of kill(2); nothing after this runs.
        Thread.Sleep(Timeout.Infinite);
    }
}
