using System.Diagnostics;
using CriShim.Native;
using CriShim.NativeTests.Infrastructure;

namespace CriShim.NativeTests.Sandbox;

/// <summary>The pause mode of crishim-runtime: small, reaps orphans as PID 1, exits 0 on SIGTERM and SIGINT.</summary>
public sealed class PauseProcessTests
{
    [RootFact]
    public async Task Pause_of_a_running_pod_stays_under_4_mb_resident()
    {
        await using var scene = await PodScene.StartAsync();
        var id = await scene.RunAsync(scene.Config("rss"));
        var pid = await scene.PausePidAsync(id);
        await Task.Delay(200);

        var rssKb = long.Parse(PodScene.StatusField(pid, "VmRSS").Split(' ')[0]);

        Assert.True(rssKb < 4096, $"pause VmRSS is {rssKb} kB");
    }

    [RootFact]
    public async Task Pause_as_pid_1_reaps_orphans_of_its_pid_namespace()
    {
        await using var scene = await PodScene.StartAsync();
        var id = await scene.RunAsync(scene.Config("reaper"));
        var info = await scene.InfoAsync(id);
        var pid = info.GetProperty("pid").GetInt32();
        var pidPin = info.GetProperty("namespaces").GetProperty("pid").GetString()!;

        // The shell exits at once; its background sleep is orphaned, reparented to pause, and exits.
        await Shell.Run("nsenter", $"--pid={pidPin}", "--", "/bin/sh", "-c", "sleep 0.2 & exit 0");
        await Task.Delay(600);

        Assert.Empty(ZombieChildrenOf(pid));
        Assert.True(ProcessIdentity.Find(pid) is not null, "pause itself must keep running");
    }

    [RootFact]
    public async Task Pause_exits_0_on_sigterm_and_on_sigint()
    {
        foreach (var signal in new[] { Signals.SIGTERM, Signals.SIGINT })
        {
            using var pause = Process.Start(Repository.Binary("crishim-runtime"), "pause");
            await Task.Delay(300);
            Processes.Signal(pause.Id, signal);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await pause.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, pause.ExitCode);
        }
    }

    private static IReadOnlyList<int> ZombieChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => int.TryParse(n, out _))
            .Select(n => int.Parse(n!))
            .Where(p =>
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{p}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    return fields[0] == "Z" && fields[1] == parent.ToString();
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .ToList();
}
