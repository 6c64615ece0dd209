namespace CriShim.Contract;

/// <summary>Wall-clock time as CRI timestamps and the monitor's records carry it: nanoseconds since the Unix epoch.</summary>
public static class CriTimestamp
{
    /// <summary>Now, to the clock's 100 ns tick (not truncated to milliseconds: events and stats are ordered by it).</summary>
    public static long Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}
