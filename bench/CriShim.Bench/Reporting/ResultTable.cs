using System.Globalization;
using System.Text;
using CriShim.Bench.Benchmarks;
using CriShim.Bench.Measurement;

namespace CriShim.Bench.Reporting;

/// <summary>The table printed at the end: medians and p90s per runtime and the candidate/baseline ratio of medians.</summary>
public static class ResultTable
{
    public static string Render(BenchReport report)
    {
        var (a, b) = (report.Candidate, report.Baseline);
        var rows = new List<string[]>();
        if (report.Operations.Count > 0)
        {
            rows.Add(["latency (ms)", $"{a} median / p90", $"{b} median / p90", $"{a}/{b}"]);
        }
        foreach (var result in report.Operations)
        {
            rows.Add([result.Operation, Cell(result.Runtimes[a]), Cell(result.Runtimes[b]), Ratio(result.Ratio(a, b))]);
        }
        if (report.Density.Count > 0)
        {
            var density = report.Density.ToDictionary(d => d.Runtime);
            var pods = report.Density[0].Pods;
            if (rows.Count > 0)
            {
                rows.Add([]);
            }
            rows.Add([$"memory (MiB), {pods} pods with one sleep container", a, b, $"{a}/{b}"]);
            rows.Add(Memory("daemon RSS, idle", d => d.DaemonIdleRss, always: true));
            rows.Add(Memory($"daemon RSS with {pods} pods", d => d.DaemonRss));
            rows.Add(Memory("RSS per pod: all runtime processes / pods", d => d.RssPerPod));
            rows.Add(Memory("PSS per pod: same, shared pages split", d => d.PssPerPod));
            rows.Add(Memory("RSS per pod without the daemon", d => d.RssPerPodWithoutDaemon));
            rows.Add(Memory("PSS per pod without the daemon", d => d.PssPerPodWithoutDaemon));
            rows.Add(["runtime processes counted", Count(density[a]), Count(density[b]), ""]);

            string[] Memory(string label, Func<DensityResult, long> bytes, bool always = false)
            {
                bool Has(DensityResult d) => always || d.Unavailable is null;
                string Value(DensityResult d) => Has(d) ? Mib(bytes(d)) : d.Unavailable!;
                var ratio = Has(density[a]) && Has(density[b]) && bytes(density[b]) > 0 ? (double)bytes(density[a]) / bytes(density[b]) : (double?)null;
                return [label, Value(density[a]), Value(density[b]), Ratio(ratio)];
            }
        }
        var widths = Enumerable.Range(0, 4).Select(c => rows.Where(r => r.Length > c).Max(r => r[c].Length) + 2).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(row.Length == 0 ? "" : row[0].PadRight(widths[0]) + row[1].PadLeft(widths[1]) + row[2].PadLeft(widths[2]) + row[3].PadLeft(widths[3]));
        }
        foreach (var density in report.Density.Where(d => d.ByKind.Count > 0))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{density.Runtime} processes with {density.Pods} pods (each: RSS / PSS / anonymous MiB, threads):");
            foreach (var kind in density.ByKind)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {kind.Count,4} x {kind.Kind,-34}{Mib(kind.Rss / kind.Count),8} / {Mib(kind.Pss / kind.Count)} / {Mib(kind.Anonymous / kind.Count)}, {kind.Threads / kind.Count}");
            }
        }
        var errors = report.Operations
            .SelectMany(o => o.Runtimes.Where(r => r.Value.Error is not null).Select(r => $"{r.Key}: {r.Value.Error}"))
            .Concat(report.Density.Where(d => d.Error is not null).Select(d => $"{d.Runtime}: density: {d.Error}"))
            .Distinct()
            .ToList();
        if (errors.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("not measured:");
            foreach (var error in errors)
            {
                text.AppendLine("  " + error.ReplaceLineEndings(" "));
            }
        }
        return text.ToString();
    }

    public static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Cell(RuntimeSamples samples) =>
        samples.Unavailable ?? (samples.HasSamples
            ? string.Create(CultureInfo.InvariantCulture, $"{samples.Median:0.0} / {samples.P90:0.0}")
            : "no samples");

    private static string Ratio(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Count(DensityResult d) => d.Unavailable ?? d.Processes.ToString(CultureInfo.InvariantCulture);
}
