using System.Xml.Linq;

namespace CriShim.NativeTests.Conformance;

/// <summary>One spec or suite node of critest's JUnit report: its full name, passed/failed/skipped/pending, and why it failed.</summary>
public sealed record CritestSpec(string Name, string Status, string Failure);

/// <summary>
/// The JUnit report that critest (Ginkgo v2, <c>--ginkgo.junit-report</c>) writes. Ginkgo lists its suite nodes
/// ([BeforeSuite], [SynchronizedAfterSuite]...) as test cases too: they count as failures when they fail (a failed
/// [BeforeSuite] skips every spec), while the passed and skipped counts are of specs only.
/// </summary>
public sealed class CritestReport(IReadOnlyList<CritestSpec> nodes)
{
    public IReadOnlyList<CritestSpec> Nodes { get; } = nodes;
    public IEnumerable<CritestSpec> Specs => Nodes.Where(s => s.Name.StartsWith("[It]", StringComparison.Ordinal));
    public IEnumerable<CritestSpec> Failed => Nodes.Where(s => s.Status is "failed" or "panicked" or "interrupted" or "aborted" or "timedout");
    public int Passed => Specs.Count(s => s.Status == "passed");
    public int Skipped => Specs.Count(s => s.Status is "skipped" or "pending");

    public string Summary => $"critest: {Passed} passed, {Failed.Count()} failed, {Skipped} skipped";

    public static CritestReport Load(string path)
    {
        var specs = XDocument.Load(path).Descendants("testcase")
            .Select(t => new CritestSpec(
                (string?)t.Attribute("name") ?? "",
                (string?)t.Attribute("status") ?? (t.Element("failure") is null ? "passed" : "failed"),
                (string?)t.Element("failure")?.Attribute("message") ?? (string?)t.Element("error")?.Attribute("message") ?? ""))
            .ToList();
        return new CritestReport(specs);
    }
}
