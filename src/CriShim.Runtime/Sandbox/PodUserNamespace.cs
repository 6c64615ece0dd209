using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// CRI <c>userns_options</c> (KEP-127, the kubelet's <c>hostUsers: false</c>): mode POD gives the pod a user
/// namespace of its own with the kubelet's mappings; NODE (or none) keeps the host's. Per-container namespaces
/// (CONTAINER) are UNIMPLEMENTED, as in containerd; TARGET is not valid for a user namespace.
/// </summary>
public static class PodUserNamespace
{
    /// <summary>The kernel takes at most 340 lines in uid_map and gid_map.</summary>
    private const int MaxMappings = 340;

    /// <summary>The mappings of the pod's own user namespace, or null when it uses the host's.</summary>
    public static UserNamespaceMappings? For(NamespaceOption? options)
    {
        var userns = options?.UsernsOptions;
        if (userns is null || userns.Mode == NamespaceMode.Node)
        {
            if (userns is { Uids.Count: > 0 } or { Gids.Count: > 0 })
            {
                throw new InvalidArgumentException("userns_options mode NODE takes no uid or gid mappings");
            }
            return null;
        }
        switch (userns.Mode)
        {
            case NamespaceMode.Container:
                throw new UnimplementedException("userns_options mode CONTAINER (a user namespace per container) is not supported by crishim: use POD");
            case not NamespaceMode.Pod:
                throw new InvalidArgumentException($"userns_options mode {userns.Mode} is not valid: use POD or NODE");
        }
        // The kubelet refuses these combinations too: host namespaces belong to the host's user namespace.
        foreach (var (mode, what) in new[] { (options!.Network, "network"), (options.Pid, "PID"), (options.Ipc, "IPC") })
        {
            if (mode == NamespaceMode.Node)
            {
                throw new InvalidArgumentException($"a pod with its own user namespace (userns_options mode POD) cannot use the host's {what} namespace");
            }
        }
        var mappings = new UserNamespaceMappings { Uids = Check(userns.Uids, "uid"), Gids = Check(userns.Gids, "gid") };
        if (mappings.RootUid == 0 || mappings.RootGid == 0)
        {
            throw new InvalidArgumentException("userns_options maps the container's root to the host's root: map it to an unprivileged range");
        }
        return mappings;
    }

    /// <summary>Whether CRI mount mappings are the pod's own, the only ones crishim id-maps a volume with.</summary>
    public static bool AreThePods(IEnumerable<IDMapping> uids, IEnumerable<IDMapping> gids, UserNamespaceMappings pod) =>
        Convert(uids).SequenceEqual(pod.Uids) && Convert(gids).SequenceEqual(pod.Gids);

    private static IReadOnlyList<IdMapping> Check(IEnumerable<IDMapping> requested, string kind)
    {
        var mappings = Convert(requested);
        if (mappings.Count is 0 or > MaxMappings)
        {
            throw new InvalidArgumentException($"userns_options mode POD needs between 1 and {MaxMappings} {kind} mappings, not {mappings.Count}");
        }
        foreach (var m in mappings)
        {
            if (m.Length == 0 || (ulong)m.ContainerId + m.Length > uint.MaxValue || (ulong)m.HostId + m.Length > uint.MaxValue)
            {
                throw new InvalidArgumentException($"{kind} mapping {m.ContainerId}:{m.HostId}:{m.Length} (container:host:length) is empty or overflows");
            }
        }
        foreach (var (first, second) in mappings.SelectMany((a, i) => mappings.Skip(i + 1).Select(b => (a, b))))
        {
            if (Overlap(first.ContainerId, second.ContainerId, first.Length, second.Length) || Overlap(first.HostId, second.HostId, first.Length, second.Length))
            {
                throw new InvalidArgumentException($"{kind} mappings {first.ContainerId}:{first.HostId}:{first.Length} and {second.ContainerId}:{second.HostId}:{second.Length} overlap");
            }
        }
        if (UserNamespaceMappings.HostIdOf(mappings, 0) is null)
        {
            throw new InvalidArgumentException($"the {kind} mappings must map the container's id 0");
        }
        return mappings;
    }

    private static bool Overlap(uint a, uint b, uint lengthA, uint lengthB) => (ulong)a < (ulong)b + lengthB && (ulong)b < (ulong)a + lengthA;

    private static List<IdMapping> Convert(IEnumerable<IDMapping> mappings) =>
        mappings.Select(m => new IdMapping(m.ContainerId, m.HostId, m.Length)).ToList();
}
