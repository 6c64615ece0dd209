using System.Globalization;
using System.Security;
using System.Text;

namespace CriShim.Bench.Reporting;

/// <summary>
/// A horizontal bar chart, one row per operation: each runtime's median as a bar and its p90 as a
/// whisker, scaled per row (operations differ by orders of magnitude), labelled with the values
/// and the ratio. Memory rows follow the latency rows.
/// </summary>
public static class SvgChart
{
    private const int LabelWidth = 360;
    private const int BarArea = 420;
    private const int ValueWidth = 190;
    private const int RowHeight = 44;
    private const int BarHeight = 15;
    private static readonly string[] Colors = ["#2a6fb0", "#d9822b"];

    public static string Render(BenchReport report)
    {
        var runtimes = new[] { report.Candidate, report.Baseline };
        var rows = report.Operations
            .Select(o => (Label: o.Operation, Unit: "ms", Values: runtimes.Select(r => o.Runtimes[r].HasSamples ? (o.Runtimes[r].Median, o.Runtimes[r].P90) : ((double, double)?)null).ToArray()))
            .ToList();
        if (report.Density.Count > 0)
        {
            var density = report.Density.ToDictionary(d => d.Runtime);
            (double, double)? Memory(string runtime, Func<Benchmarks.DensityResult, long> bytes, bool always = false) =>
                always || density[runtime].Unavailable is null ? (bytes(density[runtime]) / 1048576.0, bytes(density[runtime]) / 1048576.0) : null;
            rows.Add(("daemon RSS, idle", "MiB", runtimes.Select(r => Memory(r, d => d.DaemonIdleRss, always: true)).ToArray()));
            rows.Add(($"RSS per pod ({report.Density[0].Pods} pods)", "MiB", runtimes.Select(r => Memory(r, d => d.RssPerPod)).ToArray()));
            rows.Add(($"PSS per pod ({report.Density[0].Pods} pods)", "MiB", runtimes.Select(r => Memory(r, d => d.PssPerPod)).ToArray()));
            rows.Add(("RSS per pod without the daemon", "MiB", runtimes.Select(r => Memory(r, d => d.RssPerPodWithoutDaemon)).ToArray()));
        }
        var width = LabelWidth + BarArea + ValueWidth + 70;
        var height = 70 + (rows.Count * RowHeight) + 20;
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="10" y="22" font-size="15" font-weight="bold">{Escape($"{report.Candidate} vs {report.Baseline}, {report.Started:yyyy-MM-dd HH:mm}{(report.Options.Quick ? " (quick)" : "")}")}</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="10" y="40" fill="#555">bars: median, whisker: p90; each row scaled to its own maximum; lower is better</text>""");
        for (var i = 0; i < runtimes.Length; i++)
        {
            var x = LabelWidth + (i * 160);
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{x}" y="50" width="12" height="12" fill="{Colors[i]}"/><text x="{x + 18}" y="60">{Escape(runtimes[i])}</text>""");
        }
        for (var row = 0; row < rows.Count; row++)
        {
            var (label, unit, values) = rows[row];
            var top = 70 + (row * RowHeight);
            var scale = values.Where(v => v is not null).Select(v => v!.Value.Item2).DefaultIfEmpty(1).Max();
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="10" y="{top + 22}">{Escape(label)}</text>""");
            for (var i = 0; i < values.Length; i++)
            {
                var y = top + 4 + (i * (BarHeight + 3));
                if (values[i] is not { } v)
                {
                    svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{LabelWidth}" y="{y + 12}" fill="#999">n/a</text>""");
                    continue;
                }
                var bar = scale > 0 ? v.Item1 / scale * BarArea : 0;
                var whisker = scale > 0 ? v.Item2 / scale * BarArea : 0;
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{LabelWidth}" y="{y}" width="{bar:0.0}" height="{BarHeight}" fill="{Colors[i]}"/>""");
                if (unit == "ms")
                {
                    svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{LabelWidth + bar:0.0}" y1="{y + (BarHeight / 2)}" x2="{LabelWidth + whisker:0.0}" y2="{y + (BarHeight / 2)}" stroke="#333"/><line x1="{LabelWidth + whisker:0.0}" y1="{y + 3}" x2="{LabelWidth + whisker:0.0}" y2="{y + BarHeight - 3}" stroke="#333"/>""");
                }
                var text = unit == "ms" ? $"{v.Item1:0.0} ms (p90 {v.Item2:0.0})" : $"{v.Item1:0.0} MiB";
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{LabelWidth + BarArea + 8}" y="{y + 12}">{Escape(text)}</text>""");
            }
            if (values is [{ } a, { } b] && b.Item1 > 0)
            {
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{width - 10}" y="{top + 22}" text-anchor="end" font-weight="bold">{a.Item1 / b.Item1:0.00}x</text>""");
            }
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
