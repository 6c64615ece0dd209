namespace CriShim.Bench.Host;

/// <summary>
/// Removes everything a bench run may have left on the host, whether the run ended normally, was
/// interrupted, or crashed: processes that name the work dir or live in the bench cgroup tree,
/// mounts under the work dir (overlay rootfs, netns and IPC pins, shm), the bench cgroups in every
/// hierarchy, each network's bridge, nat rules and CNI cache, what a runtime keeps outside the
/// work dir (<paramref name="outsideLeftovers"/>, which may read the work dir), and the work dir itself.
/// </summary>
public sealed class HostCleanup(string workDir, string cgroupRoot, IReadOnlyList<BenchNetwork> networks, IReadOnlyList<Action> outsideLeftovers)
{
    public async Task RunAsync()
    {
        await KillProcessesAsync();
        foreach (var remove in outsideLeftovers)
        {
            remove();
        }
        await UnmountAsync();
        await RemoveCgroupsAsync();
        foreach (var network in networks)
        {
            await network.RemoveHostStateAsync();
        }
        if (Directory.Exists(workDir))
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    private async Task KillProcessesAsync()
    {
        var self = Environment.ProcessId;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var leftovers = HostProcess.Snapshot()
                .Where(p => p.Pid != self && (p.Mentions(workDir + "/") || p.Cgroups.Contains($":/{cgroupRoot}/", StringComparison.Ordinal)))
                .ToList();
            if (leftovers.Count == 0)
            {
                return;
            }
            foreach (var process in leftovers)
            {
                Tmds.Linux.LibC.kill(process.Pid, Tmds.Linux.LibC.SIGKILL);
            }
            await Task.Delay(100);
        }
    }

    private async Task UnmountAsync()
    {
        // Children before parents: longer mount points first, and each one lazily, so a busy mount
        // still disappears from the tree and the directories can go.
        for (var pass = 0; pass < 3; pass++)
        {
            var mounts = MountPointsUnder(workDir).OrderByDescending(m => m.Length).ToList();
            if (mounts.Count == 0)
            {
                return;
            }
            foreach (var mount in mounts)
            {
                await HostCommand.TryRunAsync("umount", "--lazy", mount);
            }
        }
    }

    private static IEnumerable<string> MountPointsUnder(string dir) =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal))
            .Distinct();

    private async Task RemoveCgroupsAsync()
    {
        var hierarchies = File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(f => f.SkipWhile(x => x != "-").Skip(1).FirstOrDefault() is "cgroup" or "cgroup2")
            .Select(f => Path.Combine(f[4], cgroupRoot))
            .Where(Directory.Exists)
            .ToList();
        foreach (var root in hierarchies)
        {
            for (var attempt = 0; attempt < 20 && Directory.Exists(root); attempt++)
            {
                if (RemoveTree(root))
                {
                    break;
                }
                await Task.Delay(100);
            }
        }
    }

    /// <summary>rmdir from the leaves up (cgroup directories are removed empty, their files go with them).</summary>
    private static bool RemoveTree(string dir)
    {
        var removed = true;
        foreach (var child in Directory.EnumerateDirectories(dir))
        {
            removed &= RemoveTree(child);
        }
        try
        {
            Directory.Delete(dir);
            return removed;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
