namespace CriShim.Contract;

/// <summary>One line of <c>/proc/&lt;pid&gt;/uid_map</c> or <c>gid_map</c>: ids from <see cref="ContainerId"/> on are host ids from <see cref="HostId"/> on.</summary>
public sealed record IdMapping(uint ContainerId, uint HostId, uint Length);

/// <summary>A pod's user namespace (CRI <c>userns_options</c> mode POD): the kubelet's uid and gid mappings.</summary>
public sealed record UserNamespaceMappings
{
    public required IReadOnlyList<IdMapping> Uids { get; init; }

    public required IReadOnlyList<IdMapping> Gids { get; init; }

    /// <summary>The host uid the container's root is; the daemon refuses mappings without container id 0.</summary>
    public uint RootUid => HostIdOf(Uids, 0) ?? throw new InvalidOperationException("the uid mappings do not map root");

    public uint RootGid => HostIdOf(Gids, 0) ?? throw new InvalidOperationException("the gid mappings do not map root");

    public static uint? HostIdOf(IReadOnlyList<IdMapping> mappings, uint containerId) =>
        mappings.FirstOrDefault(m => containerId >= m.ContainerId && containerId - m.ContainerId < m.Length) is { } m
            ? m.HostId + (containerId - m.ContainerId)
            : null;

    /// <summary>The text the kernel takes in <c>uid_map</c>/<c>gid_map</c>: one "container host length" line each.</summary>
    public static string ProcText(IReadOnlyList<IdMapping> mappings) =>
        string.Concat(mappings.Select(m => FormattableString.Invariant($"{m.ContainerId} {m.HostId} {m.Length}\n")));
}
