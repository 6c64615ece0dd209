using System.Globalization;
using System.Text;
using CriShim.Bench.Benchmarks;

namespace CriShim.Bench.Reporting;

/// <summary>
/// The targets of issue #20 (density and speed), each as a row: the goal, what this run measured and
/// whether it is met or by how much it misses. Rows whose measurement did not run say so.
/// </summary>
public static class TargetTable
{
    private const double Mib = 1024 * 1024;
    private const string MonitorKind = "crishim-runtime container-monitor";

    public static string Render(BenchReport report)
    {
        var (a, b) = (report.Candidate, report.Baseline);
        var density = report.Density.Where(d => d.Unavailable is null).ToDictionary(d => d.Runtime);
        var ours = density.GetValueOrDefault(a);
        var theirs = density.GetValueOrDefault(b);
        var rows = new List<string[]> { new[] { $"targets (issue #20), {a}", "goal", "measured", "" } };
        var whys = new Dictionary<int, string>();

        // A missed target is followed by what this run measured behind it (the tables above hold the rest).
        void Row(string target, string goal, double? measured, double limit, string unit, string why = "")
        {
            var verdict = measured is not { } m ? "not measured"
                : m <= limit ? "met"
                : string.Create(CultureInfo.InvariantCulture, $"missed by {m - limit:0.00} {unit}");
            var value = measured is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.00} {unit}") : "-";
            rows.Add([target, goal, value, verdict]);
            if (measured > limit && why.Length > 0)
            {
                whys[rows.Count - 1] = why;
            }
        }

        var daemonWhy = ours is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"with the pods the daemon holds {ours.DaemonAnonymous / Mib:0.0} MiB anonymous (heap, buffers, stacks) and {(ours.DaemonRss - ours.DaemonAnonymous) / Mib:0.0} MiB of mapped files (its code)");
        var podWhy = ours is null ? "" : "per pod: " + string.Join("; ", ours.ByKind.Where(k => k.Kind != a).Select(k => string.Create(CultureInfo.InvariantCulture,
            $"{(double)k.Count / ours.Pods:0.#} x {k.Kind} of {k.Rss / Mib / k.Count:0.0} MiB RSS, {k.Pss / Mib / k.Count:0.0} PSS, {k.Anonymous / Mib / k.Count:0.0} anonymous, {k.Threads / k.Count} threads")));
        Row("daemon RSS, idle", "<= 30 MiB", ours is null ? null : ours.DaemonIdleRss / Mib, 30, "MiB", ours is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"idle, the daemon holds {ours.DaemonIdleAnonymous / Mib:0.0} MiB anonymous and {(ours.DaemonIdleRss - ours.DaemonIdleAnonymous) / Mib:0.0} MiB of mapped files (its code)"));
        Row($"daemon RSS with {ours?.Pods ?? 0} pods", "<= 40 MiB", ours?.DaemonRss / Mib, 40, "MiB", daemonWhy);
        Row("daemon growth per pod", "<= 0.3 MiB", ours is null ? null : (ours.DaemonRss - ours.DaemonIdleRss) / Mib / ours.Pods, 0.3, "MiB", daemonWhy);
        Row("PSS per pod, without the daemon", "<= 1.5 MiB", ours?.PssPerPodWithoutDaemon / Mib, 1.5, "MiB", podWhy);
        Row("RSS per pod, without the daemon", "<= 3 MiB", ours?.RssPerPodWithoutDaemon / Mib, 3, "MiB", podWhy);
        Row($"  same, against {b}'s", "<= 0.25x", ours is null || theirs is not { RssPerPodWithoutDaemon: > 0 } ? null
            : (double)ours.RssPerPodWithoutDaemon / theirs.RssPerPodWithoutDaemon, 0.25, "x");
        var monitor = ours?.ByKind.FirstOrDefault(k => k.Kind == MonitorKind);
        Row("container monitor PSS", "<= 1 MiB", monitor is null ? null : monitor.Pss / Mib / monitor.Count, 1, "MiB", podWhy);

        var started = report.Steps.Where(s => s.Operation != "RunPodSandbox").ToList();
        var createStart = report.Operations.FirstOrDefault(o => o.Operation == ContainerLifecycleBenchmark.CreateStart);
        Row(ContainerLifecycleBenchmark.CreateStart + " median", "<= 40 ms",
            createStart?.Runtimes[a] is { HasSamples: true } s ? s.Median : null, 40, "ms",
            started.Count > 0 ? "largest steps: " + StepTable.Largest(started, 3) : "");
        var scratch = report.Operations.FirstOrDefault(o => o.Operation == StartFromScratchBenchmark.Start);
        Row($"start from scratch, against {b}", "<= 0.2x", scratch?.Ratio(a, b), 0.2, "x",
            report.Steps.Count > 0 ? "largest steps: " + StepTable.Largest(report.Steps, 4) : "");
        foreach (var list in report.Operations.Where(o => o.Operation.StartsWith("ListContainers", StringComparison.Ordinal)))
        {
            Row($"{list.Operation}, against {b}", "<= 1x", list.Ratio(a, b), 1, "x", string.Create(CultureInfo.InvariantCulture,
                $"{list.Runtimes[a].Median:0.0} ms against {list.Runtimes[b].Median:0.0} ms; crishim re-checks each running container per list (a stat of its exit.json, a read of /proc/<pid>/stat)"));
        }

        var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length) + 2).ToArray();
        var text = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            text.AppendLine(row[0].PadRight(widths[0]) + row[1].PadLeft(widths[1]) + row[2].PadLeft(widths[2]) + "  " + row[3]);
            if (whys.TryGetValue(i, out var why))
            {
                text.AppendLine("    why: " + why);
            }
        }
        return text.ToString();
    }
}
