namespace CriShim.Runtime.Container;

/// <summary>
/// The cgroup of a container's monitor: <c>&lt;pod cgroup parent&gt;/crishim-monitor-&lt;container id&gt;</c>, beside the
/// container's <c>crishim-&lt;id&gt;</c> (as CRI-O puts conmon in <c>crio-conmon-&lt;id&gt;</c>). Out of the daemon's
/// cgroup, a <c>systemctl stop</c> or restart of crishim (which kills the unit's cgroup) leaves the monitors,
/// and with them the containers' output and exit codes, alive. A leaf, so cgroup v2's no-internal-processes
/// rule holds; created with the container, removed with it.
/// </summary>
public static class MonitorCgroup
{
    public const string Prefix = "crishim-monitor-";

    /// <summary>The monitor cgroup for the container cgroup <c>…/crishim-&lt;id&gt;</c>.</summary>
    public static string Of(string containerCgroup, string containerId) =>
        $"{containerCgroup[..containerCgroup.LastIndexOf('/')]}/{Prefix}{containerId}";
}
