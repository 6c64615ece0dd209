using System.Text.RegularExpressions;
using CriShim.Runtime.Cgroups;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>
    /// At start-up, after the rollbacks: what no sandbox record names but this daemon's own state holds
    /// (a state dir with pins and /dev/shm, a CNI attachment in the cache) goes, with the cgroup
    /// <c>crishim-&lt;id&gt;</c> and pause inside it. Only ids found in this daemon's --state and --root
    /// are swept, so another crishim on the host (another --state) is never touched. Each removal is logged.
    /// </summary>
    private async Task SweepOrphansAsync()
    {
        var stateDirectory = Path.Combine(config.State, "sandboxes");
        var orphans = Directory.Exists(stateDirectory)
            ? Directory.EnumerateDirectories(stateDirectory).Select(Path.GetFileName).OfType<string>()
                .Where(id => SandboxIdSyntax().IsMatch(id) && store.FindAny(id) is null).ToList()
            : [];
        foreach (var cgroup in CgroupSearch.FindNamed(cgroups, orphans.Select(id => $"crishim-{id}").ToHashSet(StringComparer.Ordinal)))
        {
            log.LogWarning("sweeping cgroup {Cgroup} (and pause in it) of a sandbox no record names", cgroup);
            cgroups.Kill(cgroup);
            cgroups.Remove(cgroup);
        }
        foreach (var id in orphans)
        {
            var directory = DirectoryOf(id);
            log.LogWarning("sweeping the state dir {Directory} (pins, /dev/shm) of a sandbox no record names", directory.Path);
            infra.Release(directory);
            Directory.Delete(directory.Path, recursive: true);
        }
        foreach (var id in network.AttachedSandboxes().Where(id => store.FindAny(id) is null))
        {
            log.LogWarning("sweeping the network attachment of sandbox {Id}, which no record names: replaying CNI DEL", id);
            try
            {
                using var deadline = new CancellationTokenSource(RollBackNetworkTimeout);
                await network.TearDownAsync(id, deadline.Token);
            }
            catch (Exception e)
            {
                log.LogError(e, "CNI DEL for the unrecorded sandbox {Id} failed; its cache entry stays for the next start", id);
            }
        }
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex SandboxIdSyntax();
}
