using System.Globalization;

namespace CriShim.Runtime.Cgroups;

/// <summary>One line of a PSI file: the share of time tasks stalled over 10, 60 and 300 s (percent), and the total stall time.</summary>
public sealed record PressureLine(double Avg10, double Avg60, double Avg300, ulong TotalMicroseconds);

/// <summary>
/// A cgroup v2 pressure file (<c>cpu.pressure</c>, <c>memory.pressure</c>, <c>io.pressure</c>): <c>some</c> (at
/// least one task stalled) and <c>full</c> (all non-idle tasks stalled at once). The kernel writes both lines on
/// every file since 5.13; <c>full</c> of cpu.pressure is zero outside the root cgroup's siblings.
/// </summary>
public sealed record PressureStats(PressureLine Some, PressureLine Full)
{
    /// <summary>Parses <c>some avg10=0.00 avg60=0.00 avg300=0.00 total=0</c> and the <c>full</c> line; null when <c>some</c> is missing.</summary>
    public static PressureStats? Parse(string text)
    {
        PressureLine? some = null, full = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || ParseLine(fields.AsSpan(1)) is not { } parsed)
            {
                continue;
            }
            switch (fields[0])
            {
                case "some":
                    some = parsed;
                    break;
                case "full":
                    full = parsed;
                    break;
            }
        }
        return some is null ? null : new PressureStats(some, full ?? new PressureLine(0, 0, 0, 0));
    }

    private static PressureLine? ParseLine(ReadOnlySpan<string> fields)
    {
        double avg10 = 0, avg60 = 0, avg300 = 0;
        ulong? total = null;
        foreach (var field in fields)
        {
            var eq = field.IndexOf('=');
            if (eq <= 0)
            {
                return null;
            }
            var value = field[(eq + 1)..];
            switch (field[..eq])
            {
                case "avg10" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a):
                    avg10 = a;
                    break;
                case "avg60" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a):
                    avg60 = a;
                    break;
                case "avg300" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a):
                    avg300 = a;
                    break;
                case "total" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t):
                    total = t;
                    break;
            }
        }
        return total is { } micros ? new PressureLine(avg10, avg60, avg300, micros) : null;
    }
}
