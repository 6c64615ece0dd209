using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Bench.Measurement;

namespace CriShim.Bench.Reporting;

/// <summary>The raw samples and summaries of a run as JSON, for later comparison between runs.</summary>
public static class ResultsJson
{
    public static string Render(BenchReport report)
    {
        var root = new JsonObject
        {
            ["started"] = report.Started.ToString("O"),
            ["quick"] = report.Options.Quick,
            ["warmup"] = report.Options.Warmup,
            ["host"] = new JsonObject
            {
                ["kernel"] = Environment.OSVersion.VersionString,
                ["cpus"] = Environment.ProcessorCount,
            },
            ["runtimes"] = new JsonObject(report.RuntimeVersions.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["ratio"] = $"{report.Candidate}/{report.Baseline} of medians",
            ["operations"] = new JsonArray(report.Operations.Select(Operation).ToArray()),
            ["density"] = new JsonArray(report.Density.Select(d => (JsonNode?)new JsonObject
            {
                ["runtime"] = d.Runtime,
                ["pods"] = d.Pods,
                ["daemon_idle_rss_bytes"] = d.DaemonIdleRss,
                ["daemon_idle_anonymous_bytes"] = d.DaemonIdleAnonymous,
                ["daemon_rss_bytes"] = d.DaemonRss,
                ["daemon_anonymous_bytes"] = d.DaemonAnonymous,
                ["processes"] = d.Processes,
                ["total_rss_bytes"] = d.TotalRss,
                ["total_pss_bytes"] = d.TotalPss,
                ["rss_per_pod_bytes"] = d.RssPerPod,
                ["pss_per_pod_bytes"] = d.PssPerPod,
                ["rss_per_pod_without_daemon_bytes"] = d.RssPerPodWithoutDaemon,
                ["by_kind"] = new JsonArray(d.ByKind.Select(k => (JsonNode?)new JsonObject
                {
                    ["kind"] = k.Kind,
                    ["count"] = k.Count,
                    ["rss_bytes"] = k.Rss,
                    ["pss_bytes"] = k.Pss,
                    ["anonymous_bytes"] = k.Anonymous,
                    ["threads"] = k.Threads,
                }).ToArray()),
                ["unavailable"] = d.Unavailable,
                ["error"] = d.Error,
            }).ToArray()),
            ["steps"] = new JsonArray(report.Steps.Select(o => (JsonNode?)new JsonObject
            {
                ["operation"] = o.Operation,
                ["calls"] = o.Calls,
                ["total_median_ms"] = o.Total,
                ["step_medians_ms"] = new JsonObject(o.Steps.Select(s => KeyValuePair.Create(s.Step, (JsonNode?)s.Milliseconds))),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        JsonNode? Operation(OperationResult result) => new JsonObject
        {
            ["benchmark"] = result.Benchmark,
            ["operation"] = result.Operation,
            ["ratio"] = result.Ratio(report.Candidate, report.Baseline),
            ["runtimes"] = new JsonObject(result.Runtimes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject
            {
                ["median_ms"] = kv.Value.HasSamples ? kv.Value.Median : null,
                ["p90_ms"] = kv.Value.HasSamples ? kv.Value.P90 : null,
                ["samples_ms"] = new JsonArray(kv.Value.Milliseconds.Select(ms => (JsonNode?)Math.Round(ms, 3)).ToArray()),
                ["unavailable"] = kv.Value.Unavailable,
                ["error"] = kv.Value.Error,
            }))),
        };
    }
}
