using System.Text.RegularExpressions;
using CriShim.Native;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// Which sysctls a pod may set: only namespaced ones, and only in namespaces the pod has of its own,
/// so a pod can never change the node's settings.
/// </summary>
public static class SysctlPolicy
{
    private static readonly string[] IpcPrefixes = ["kernel.shm", "kernel.msg", "fs.mqueue."];

    /// <summary>Kubernetes' longest sysctl name.</summary>
    private const int MaxNameLength = 253;

    /// <summary>
    /// Kubernetes' sysctl name syntax: segments of <c>[a-z0-9]([-_a-z0-9]*[a-z0-9])?</c> joined by '.' or '/'.
    /// No segment is empty, "." or "..", so the file below /proc/sys is the one the name's prefix promises
    /// (<c>net.//.vm.swappiness</c> would be <c>/proc/sys/net/../vm/swappiness</c>).
    /// </summary>
    private static readonly Regex Syntax = new(@"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant);

    /// <summary>Checks every sysctl and returns them by dotted name.</summary>
    public static IReadOnlyDictionary<string, string> Check(IReadOnlyDictionary<string, string> sysctls, NamespaceKinds podNamespaces)
    {
        var checkedSysctls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawName, value) in sysctls)
        {
            if (rawName.Length > MaxNameLength || !Syntax.IsMatch(rawName) || value.Contains('\n'))
            {
                throw new InvalidArgumentException($"sysctl {rawName}={value} is malformed: a name is segments of [a-z0-9], '-' and '_' separated by '.' or '/'");
            }
            var name = ToDotted(rawName);
            var needs = NamespaceOf(name)
                ?? throw new InvalidArgumentException($"sysctl {rawName} is not namespaced: setting it in a pod would change the whole node");
            if (!podNamespaces.HasFlag(needs))
            {
                var why = needs == NamespaceKinds.Network ? "the pod uses the host network" : "the pod uses the host IPC namespace";
                throw new InvalidArgumentException($"sysctl {rawName} would change the node: {why}");
            }
            checkedSysctls[name] = value;
        }
        return checkedSysctls;
    }

    /// <summary>
    /// Kubernetes accepts both separators; when the first one is '/', dots and slashes swap
    /// (<c>net/ipv4/conf/eth0.100/forwarding</c> is <c>net.ipv4.conf.eth0/100.forwarding</c>).
    /// </summary>
    public static string ToDotted(string name)
    {
        var first = name.IndexOfAny(['.', '/']);
        if (first < 0 || name[first] == '.')
        {
            return name;
        }
        return string.Create(name.Length, name, (span, n) =>
        {
            for (var i = 0; i < n.Length; i++)
            {
                span[i] = n[i] switch { '.' => '/', '/' => '.', var c => c };
            }
        });
    }

    private static NamespaceKinds? NamespaceOf(string name) =>
        name.StartsWith("net.", StringComparison.Ordinal) ? NamespaceKinds.Network
        : name == "kernel.sem" || IpcPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) ? NamespaceKinds.Ipc
        : null;
}
