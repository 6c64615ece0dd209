using System.Globalization;

namespace CriShim.Ctl.Commands;

/// <summary>Sizes and IDs the way crictl prints them: decimal units ("2.1MB") and 13-character IDs.</summary>
internal static class ImageSizes
{
    public static string Human(ulong bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0
            ? $"{bytes}B"
            : value.ToString(value < 10 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + units[unit];
    }

    public static string ShortId(string id, bool full)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return full ? id : hex[..Math.Min(13, hex.Length)];
    }
}
