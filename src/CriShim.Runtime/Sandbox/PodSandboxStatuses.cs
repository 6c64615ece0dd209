using CriShim.Protocol.V1;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// A pod's CRI status from its record alone: PodSandboxStatus answers it, and container events carry it, so the
/// container services need the pod records, not the sandbox service.
/// </summary>
public static class PodSandboxStatuses
{
    /// <summary>
    /// The pod's status as the record and what holds its namespaces say now (also carried by container events);
    /// <paramref name="held"/>: whether that holder is still there (<see cref="PodInfra.IsHeld"/>).
    /// </summary>
    public static PodSandboxStatus Of(PodSandboxRecord record, bool held)
    {
        var config = record.Config;
        var status = new PodSandboxStatus
        {
            Id = record.Id,
            Metadata = config.Metadata,
            State = StateOf(record, held),
            CreatedAt = record.CreatedAt,
            Linux = new LinuxPodSandboxStatus
            {
                Namespaces = new Protocol.V1.Namespace
                {
                    Options = config.Linux?.SecurityContext?.NamespaceOptions ?? new NamespaceOption(),
                },
            },
            Labels = { config.Labels },
            Annotations = { config.Annotations },
            RuntimeHandler = record.RuntimeHandler,
        };
        if (record.Ips.Count > 0)
        {
            status.Network = new PodSandboxNetworkStatus { Ip = record.Ips[0] };
            status.Network.AdditionalIps.AddRange(record.Ips.Skip(1).Select(ip => new PodIP { Ip = ip }));
        }
        return status;
    }

    /// <summary>READY only while the record says so and the very pause process that Run started still runs (or, without pause, the pins stand).</summary>
    public static PodSandboxState StateOf(PodSandboxRecord record, bool held) =>
        record.State == PodSandboxLifecycle.Ready && held ? PodSandboxState.SandboxReady : PodSandboxState.SandboxNotready;
}
