namespace CriShim.Ctl.Commands;

/// <summary>crictl's table layout: left-aligned columns padded to the widest cell plus three spaces.</summary>
internal static class Table
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(headers.ToArray()).ToList();
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length) + 3).ToArray();
        foreach (var row in all)
        {
            output.WriteLine(string.Concat(row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
