using System.Globalization;
using System.Text.RegularExpressions;

namespace CriShim.Runtime.Configuration;

/// <summary>
/// Durations written as Go and containerd write them: <c>5m</c>, <c>1m30s</c>, <c>250ms</c>, <c>2h</c>;
/// a bare <c>0</c> is zero. Fractions are allowed (<c>1.5s</c>); negative values are not.
/// </summary>
public static partial class Duration
{
    public static TimeSpan Parse(string what, string value)
    {
        if (value == "0")
        {
            return TimeSpan.Zero;
        }
        var match = Pattern().Match(value);
        if (!match.Success)
        {
            throw new ConfigException($"{what} '{value}' is not a duration such as 30s, 5m or 1m30s");
        }
        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitStart = part.Value.IndexOfAny(['h', 'm', 's']);
            var number = double.Parse(part.Value[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            total += part.Value[unitStart..] switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                _ => TimeSpan.FromMilliseconds(number),
            };
        }
        return total;
    }

    /// <summary>The shortest Go-style spelling: <c>5m</c>, <c>1m30s</c>, <c>0</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0";
        }
        var text = "";
        if (value.Hours + value.Days * 24 > 0)
        {
            text += $"{value.Hours + value.Days * 24}h";
        }
        if (value.Minutes > 0)
        {
            text += $"{value.Minutes}m";
        }
        if (value.Seconds > 0)
        {
            text += $"{value.Seconds}s";
        }
        if (value.Milliseconds > 0)
        {
            text += $"{value.Milliseconds}ms";
        }
        return text;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(h|ms|m|s))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
