using CriShim.KubeletTests.Infrastructure;

namespace CriShim.KubeletTests;

// Container logs in the CRI format the kubelet reads back: long lines split into partial records and joined again.
public sealed partial class KubeletScenarios
{
    [KubeletFact]
    public async Task Logs_are_CRI_records_long_lines_split_and_joined_again_by_the_kubelet()
    {
        var pod = await Node.WaitRunningAsync("logs");
        var longLine = new string('x', StaticPods.LongLineLength);

        var log = await Node.WaitLogAsync("logs", "app", "last line\n");

        Assert.Contains("first line\n" + longLine + "\n", log);
        Assert.Contains("to-stderr\n", log);
        var file = Path.Combine(Node.Kubelet.PodLogsDir, $"{KubeletNode.Namespace}_{pod.Name}_{pod.Uid}", "app", $"{pod.Container("app").RestartCount}.log");
        var records = File.ReadAllLines(file).Select(l => l.Split(' ', 4)).ToList();
        Assert.All(records, r => Assert.True(DateTimeOffset.TryParse(r[0], out _) && r[1] is "stdout" or "stderr" && r[2] is "P" or "F", string.Join(' ', r)));
        var xs = records.Where(r => r.Length == 4 && r[3].Length > 0 && r[3].All(c => c == 'x')).ToList();
        Assert.True(xs.Count >= 3, $"the {longLine.Length}-byte line is split into {xs.Count} records");
        Assert.All(xs[..^1], r => Assert.Equal("P", r[2]));
        Assert.Equal("F", xs[^1][2]);
        Assert.Equal(longLine, string.Concat(xs.Select(r => r[3])));
        Assert.Contains(records, r => r[1] == "stderr" && r[2] == "F" && r[3] == "to-stderr");
        Assert.Contains(records, r => r[1] == "stdout" && r[2] == "F" && r[3] == "last line");
    }
}
