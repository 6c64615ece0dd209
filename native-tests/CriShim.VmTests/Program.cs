using System.Diagnostics;
using CriShim.NativeTests.Infrastructure;
using CriShim.VmTests;

// Usage: crishim-vmtests BIN_DIR [NAME-FILTER]. Ends with "N passed, N failed, N skipped".
var binDir = args.Length > 0 ? args[0] : AppContext.BaseDirectory;
var filter = args.Length > 1 ? args[1] : "";
KubeletScenarios.BinDir = binDir;
IEnumerable<VmTestCase> all =
[
    .. DaemonScenarios.All, .. PodCgroupScenarios.All, .. StatsAndEventsScenarios.All, .. MissingControllerScenarios.All,
    .. CriFieldsScenarios.All, .. InPlaceResizeScenarios.All, .. MonitorCgroupScenarios.All, .. KubeletScenarios.All,
    .. CheckpointScenarios.All,
];
var cases = all.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();

int passed = 0, failed = 0, skipped = 0;
if (CgroupV2Host.WhyNot() is { } reason)
{
    foreach (var c in cases)
    {
        Console.WriteLine($"SKIP {c.Name}: needs a pure cgroup v2 host ({reason}); run it with make vm-test");
    }
    skipped = cases.Count;
}
else
{
    await using var registry = await TestRegistry.StartAsync();
    await TestImages.Busybox().PushAsync(registry, PodCgroupScenarios.Repository, PodCgroupScenarios.Tag);
    await using var daemon = await VmDaemon.StartAsync(binDir, registry.Host);
    foreach (var c in cases)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await c.Run(daemon);
            passed++;
            Console.WriteLine($"PASS {c.Name} ({clock.Elapsed.TotalSeconds:F1} s)");
        }
        catch (ScenarioSkippedException e)
        {
            skipped++;
            Console.WriteLine($"SKIP {c.Name}: {e.Message}");
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine($"FAIL {c.Name} ({clock.Elapsed.TotalSeconds:F1} s): {e}");
        }
    }
    if (failed > 0)
    {
        Console.WriteLine("--- daemon log ---");
        Console.WriteLine(daemon.Log);
    }
}
Console.WriteLine($"vm: {passed} passed, {failed} failed, {skipped} skipped");
return failed == 0 ? 0 : 1;
