namespace CriShim.Bench.Measurement;

/// <summary>Percentiles with linear interpolation between the closest ranks.</summary>
public static class Statistics
{
    public static double Median(IReadOnlyList<double> samples) => Percentile(samples, 0.5);

    public static double P90(IReadOnlyList<double> samples) => Percentile(samples, 0.9);

    public static double Percentile(IReadOnlyList<double> samples, double fraction)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }
        var sorted = samples.Order().ToArray();
        var rank = fraction * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }
}
