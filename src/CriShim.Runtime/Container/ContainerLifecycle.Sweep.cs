using System.Text.RegularExpressions;
using CriShim.Native;
using CriShim.Runtime.Cgroups;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>
    /// At start-up, after the rollbacks: containers that this daemon's --root or --state holds but no
    /// record names go: their monitor (found by the spec under --root it runs), the processes
    /// started.json names, the cgroups <c>crishim-&lt;id&gt;</c> and <c>crishim-monitor-&lt;id&gt;</c>, the writable layer and the state dir.
    /// Ids come only from this daemon's own directories, so another crishim's containers are never
    /// touched. Each removal is logged.
    /// </summary>
    private void SweepOrphans()
    {
        var orphans = IdsIn(Store.Directory).Concat(IdsIn(Path.Combine(daemon.State, "containers")))
            .Where(id => !Store.Knows(id)).ToHashSet(StringComparer.Ordinal);
        if (orphans.Count == 0)
        {
            return;
        }
        foreach (var monitor in OrphanMonitors(orphans))
        {
            log.LogWarning("sweeping monitor {Pid} of container {Id}, which no record names", monitor.Process.Pid, monitor.Id);
            Processes.Signal(monitor.Process, Signals.SIGKILL);
        }
        foreach (var id in orphans)
        {
            if (containers.StateOf(id).ReadStarted() is { } started)
            {
                Processes.Signal(new ProcessIdentity(started.Pid, started.StartTime), Signals.SIGKILL);
            }
        }
        foreach (var cgroup in CgroupSearch.FindNamed(cgroups, orphans.SelectMany(id => new[] { $"crishim-{id}", $"{MonitorCgroup.Prefix}{id}" }).ToHashSet(StringComparer.Ordinal)))
        {
            log.LogWarning("sweeping cgroup {Cgroup} of a container no record names", cgroup);
            cgroups.Kill(cgroup);
            cgroups.Remove(cgroup);
        }
        foreach (var id in orphans)
        {
            log.LogWarning("sweeping the writable layer and state of container {Id}, which no record names", id);
            DeleteDirectories(id);
        }
    }

    private static IEnumerable<string> IdsIn(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>().Where(id => ContainerIdSyntax().IsMatch(id))
            : [];

    /// <summary>Monitors (<c>crishim-runtime container-monitor {root}/containers/&lt;id&gt;/spec.json</c>) of the given containers.</summary>
    private IEnumerable<(string Id, ProcessIdentity Process)> OrphanMonitors(IReadOnlySet<string> ids)
    {
        var prefix = Store.Directory + "/";
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid))
            {
                continue;
            }
            string[] argv;
            try
            {
                argv = File.ReadAllText(Path.Combine(proc, "cmdline")).Split('\0');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (argv is [_, "container-monitor", var spec, ..] && spec.StartsWith(prefix, StringComparison.Ordinal)
                && spec[prefix.Length..].Split('/')[0] is var id && ids.Contains(id) && ProcessIdentity.Find(pid) is { } process)
            {
                yield return (id, process);
            }
        }
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex ContainerIdSyntax();
}
