using System.Formats.Tar;
using CriShim.Protocol.V1;

namespace CriShim.VmTests;

/// <summary>
/// CheckpointContainer with Debian's criu, which knows the VM's 6.1 kernel (not the 6.18 host's): a counter is
/// dumped while it runs on, and a container created from the archive in a new pod counts on from where the dump was.
/// </summary>
internal static class CheckpointScenarios
{
    private static readonly string[] Counter = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; echo $i > /count; sleep 1; done"];

    public static IEnumerable<VmTestCase> All =>
    [
        new("checkpoint: criu dumps a running counter into a CRI-O style archive and the counter runs on", ArchiveAndRunOn),
        new("checkpoint-restore: a container restored from the archive in a new pod counts on from the checkpoint, not from 1", RestoreInNewPod),
    ];

    private static async Task ArchiveAndRunOn(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "ckpt");
        try
        {
            var counter = await pod.StartAsync("counter", Counter);
            await counter.WaitForLogAsync(" 3\n", TimeSpan.FromSeconds(60));
            var location = Path.Combine(daemon.WorkDir, "ckpt-archive.tar");

            await daemon.Runtime.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = counter.Id, Location = location, Timeout = 120 });

            var names = EntriesOf(location);
            foreach (var expected in new[] { "config.dump", "spec.dump", "rootfs-diff.tar", "stats-dump", "checkpoint/inventory.img", "checkpoint/descriptors.json" })
            {
                Check.True(names.Contains(expected), $"the archive has {expected} (it has {string.Join(", ", names)})");
            }
            Check.True(!Directory.GetFiles(daemon.WorkDir, ".ckpt-archive.tar.*").Any(), "no temporary archive is left beside the location");
            var seen = LastCount(counter.Log());
            await counter.WaitForLogAsync($" {seen + 2}\n", TimeSpan.FromSeconds(30));
            Check.Equal(ContainerState.ContainerRunning, (await counter.StatusAsync()).State, "the checkpointed container's state");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }

    private static async Task RestoreInNewPod(VmDaemon daemon)
    {
        var location = Path.Combine(daemon.WorkDir, "ckpt-restore.tar");
        var first = await Pod.RunAsync(daemon, "ckpt-from");
        int atCheckpoint;
        try
        {
            var counter = await first.StartAsync("counter", Counter);
            await counter.WaitForLogAsync(" 5\n", TimeSpan.FromSeconds(60));
            await daemon.Runtime.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = counter.Id, Location = location, Timeout = 120 });
            atCheckpoint = LastCount(counter.Log());
        }
        finally
        {
            await first.RemoveAsync();
        }

        var second = await Pod.RunAsync(daemon, "ckpt-to");
        try
        {
            var restored = await second.StartAsync("counter", Counter, image: location);
            await restored.WaitForLogAsync("\n", TimeSpan.FromSeconds(60));
            var firstRestored = FirstCount(restored.Log());
            Check.True(firstRestored > 1 && firstRestored <= atCheckpoint + 2,
                $"the restored counter goes on from the checkpoint ({atCheckpoint}), it logged {firstRestored} first");
            var (exitCode, stdout, _) = await restored.ExecAsync("cat", "/count");
            Check.Equal(0, exitCode, "cat /count in the restored container");
            Check.True(int.Parse(stdout.Trim()) >= firstRestored, $"/count of the restored container ({stdout.Trim()}) is at least {firstRestored}");
            await daemon.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = restored.Id, Timeout = 5 });
            Check.Equal(ContainerState.ContainerExited, (await restored.StatusAsync()).State, "a restored container stops like any other");
        }
        finally
        {
            await second.RemoveAsync();
        }
    }

    private static List<string> EntriesOf(string archive)
    {
        using var file = File.OpenRead(archive);
        using var reader = new TarReader(file);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name.TrimStart('.', '/'));
        }
        return names;
    }

    private static IEnumerable<int> Counts(string log) =>
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 4)).Where(p => p.Length == 4 && p[1] == "stdout")
            .Select(p => int.Parse(p[3]));

    private static int LastCount(string log) => Counts(log).Last();

    private static int FirstCount(string log) => Counts(log).First();
}
