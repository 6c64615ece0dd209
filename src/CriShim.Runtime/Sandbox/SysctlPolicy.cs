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

    /// <summary>Checks every sysctl and returns them by dotted name.</summary>
    public static IReadOnlyDictionary<string, string> Check(IReadOnlyDictionary<string, string> sysctls, NamespaceKinds podNamespaces)
    {
        var checkedSysctls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawName, value) in sysctls)
        {
            var name = ToDotted(rawName);
            var needs = NamespaceOf(name)
                ?? throw new InvalidArgumentException($"sysctl {rawName} is not namespaced: setting it in a pod would change the whole node");
            if (!podNamespaces.HasFlag(needs))
            {
                var why = needs == NamespaceKinds.Network ? "the pod uses the host network" : "the pod uses the host IPC namespace";
                throw new InvalidArgumentException($"sysctl {rawName} would change the node: {why}");
            }
            if (name.Split('.').Any(part => part is "" or ".." ) || value.Contains('\n'))
            {
                throw new InvalidArgumentException($"sysctl {rawName}={value} is malformed");
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
