using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

/// <summary>
/// Linux capability names (as <c>CAP_*</c>) and the set a container gets: the default set of
/// containerd and CRI-O, or every capability when privileged, then <c>add_capabilities</c> and
/// <c>drop_capabilities</c> in containerd's order: add ALL, drop ALL, add each, drop each; so
/// "add ALL, drop CHOWN" is everything but CHOWN and "drop ALL, add CHOWN" is CHOWN alone.
/// </summary>
public static class Capabilities
{
    public const string All = "ALL";

    /// <summary>Every capability the kernel headers name, in bit order (CAP_CHOWN is bit 0).</summary>
    public static IReadOnlyList<string> Known => CapabilityNames.All;

    public static IReadOnlyList<string> Default { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
        "CAP_AUDIT_WRITE",
    ];

    /// <summary>The container's capabilities in bit order.</summary>
    public static IReadOnlyList<string> For(bool privileged, Capability? requested)
    {
        var set = new HashSet<string>(privileged ? Known : Default, StringComparer.Ordinal);
        if (requested is null)
        {
            return Ordered(set);
        }
        var add = requested.AddCapabilities.Select(Normalize).ToList();
        var drop = requested.DropCapabilities.Select(Normalize).ToList();
        if (add.Contains(All))
        {
            set.UnionWith(Known);
        }
        if (drop.Contains(All))
        {
            set.Clear();
        }
        set.UnionWith(add.Where(a => a != All));
        set.ExceptWith(drop);
        return Ordered(set);
    }

    /// <summary>"net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" are the same capability; unknown names are refused.</summary>
    public static string Normalize(string name)
    {
        var upper = name.Trim().ToUpperInvariant();
        if (upper == All)
        {
            return All;
        }
        var full = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return Known.Contains(full)
            ? full
            : throw new InvalidArgumentException($"unknown capability '{name}'; use a name such as NET_ADMIN or CAP_NET_ADMIN, or ALL");
    }

    private static IReadOnlyList<string> Ordered(HashSet<string> set) => Known.Where(set.Contains).ToList();
}
