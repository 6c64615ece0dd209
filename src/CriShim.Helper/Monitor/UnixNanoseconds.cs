namespace CriShim.Helper.Monitor;

/// <summary>Wall-clock time as CRI timestamps carry it: nanoseconds since the Unix epoch.</summary>
internal static class UnixNanoseconds
{
    public static long Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}
