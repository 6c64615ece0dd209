namespace CriShim.Runtime.Network;

/// <summary>
/// Attaches a pod's network namespace to the node's pod network (CNI) and detaches it.
/// Tear-down is idempotent and must work after daemon restarts and config changes.
/// </summary>
public interface IPodNetwork
{
    /// <summary>Runs the network ADD; on failure nothing stays attached and the plugin's message is thrown.</summary>
    Task<PodNetworkResult> SetUpAsync(PodNetworkRequest request, CancellationToken cancel);

    /// <summary>Runs DEL with the configuration cached at set-up; an unknown or already removed attachment is fine.</summary>
    Task TearDownAsync(string sandboxId, CancellationToken cancel);

    /// <summary>Sandboxes with a cached attachment (set up, or ADD begun), for the start-up sweep of attachments no sandbox record names.</summary>
    IReadOnlyList<string> AttachedSandboxes();

    /// <summary>Runs CHECK for a live attachment; throws when the network reports a problem.</summary>
    Task CheckAsync(string sandboxId, CancellationToken cancel);
}

/// <summary>What the network needs to know about a pod: the CRI sandbox config reduced to CNI's inputs.</summary>
public sealed record PodNetworkRequest(
    string SandboxId,
    string NetnsPath,
    string PodName,
    string PodNamespace,
    string PodUid,
    IReadOnlyList<PodPortMapping> PortMappings,
    PodDnsConfig? Dns,
    IReadOnlyList<string>? RequestedIps = null, // the `ips` capability: static addresses asked for the pod
    PodBandwidth? Bandwidth = null);

public sealed record PodPortMapping(string Protocol, int ContainerPort, int HostPort, string HostIp);

/// <summary>Traffic shaping for the <c>bandwidth</c> capability: rates in bits per second, bursts in bits.</summary>
public sealed record PodBandwidth(long IngressRate, long IngressBurst, long EgressRate, long EgressBurst);

public sealed record PodDnsConfig(IReadOnlyList<string> Servers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options);

/// <summary>The pod's addresses (primary first) and the raw CNI result, kept for verbose status.</summary>
public sealed record PodNetworkResult(IReadOnlyList<string> Ips, string RawResult);
