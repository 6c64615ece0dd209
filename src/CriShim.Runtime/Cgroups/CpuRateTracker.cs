using System.Collections.Concurrent;

namespace CriShim.Runtime.Cgroups;

/// <summary>
/// The CPU rate (<c>usage_nano_cores</c>) of containers and pods: each sample of a key is compared with the
/// previous one of the same key, as containerd does, so the first sample has no rate.
/// </summary>
public sealed class CpuRateTracker
{
    private readonly ConcurrentDictionary<string, Sample> _samples = new();

    /// <summary>
    /// Records the cumulative CPU time <paramref name="usageNanoseconds"/> at <paramref name="timestamp"/> (Unix
    /// nanoseconds) and returns the nanocores (1e9 = one full core) used since the previous sample of
    /// <paramref name="key"/>; null for the first sample, or when the counter went backwards or no time passed.
    /// </summary>
    public ulong? Rate(string key, long timestamp, ulong usageNanoseconds)
    {
        var current = new Sample(timestamp, usageNanoseconds);
        var previous = _samples.GetValueOrDefault(key);
        _samples[key] = current;
        if (previous is null || current.Timestamp <= previous.Timestamp || current.UsageNanoseconds < previous.UsageNanoseconds)
        {
            return null;
        }
        var used = (double)(current.UsageNanoseconds - previous.UsageNanoseconds);
        return (ulong)(used / (current.Timestamp - previous.Timestamp) * 1e9);
    }

    /// <summary>Drops the samples of a removed container or pod.</summary>
    public void Forget(string key) => _samples.TryRemove(key, out _);

    private sealed record Sample(long Timestamp, ulong UsageNanoseconds);
}
