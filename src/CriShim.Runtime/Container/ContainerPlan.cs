using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Image;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Container;

/// <summary>
/// Everything CreateContainer will acquire, decided and checked before it acquires any of it: the record, the
/// execution spec, the directories, the cgroups with their device rules and limits.
/// </summary>
public sealed record ContainerPlan
{
    public required string Id { get; init; }
    public required PodSandboxRecord Sandbox { get; init; }
    public required ContainerConfig Config { get; init; }
    public required ImageRecord Image { get; init; }

    /// <summary>The record as it is stored, creating until the call finishes.</summary>
    public required ContainerRecord Record { get; init; }

    /// <summary>The spec the helper runs; mounts of missing host directories still name the requested path.</summary>
    public required ContainerProcessSpec Spec { get; init; }

    public required ContainerDirectory Directory { get; init; }
    public required ContainerStateDirectory State { get; init; }
    public required IReadOnlyList<DeviceRule> DeviceRules { get; init; }

    /// <summary>The limits as CRI sent them (kept for status), null when none.</summary>
    public LinuxContainerResources? Resources { get; init; }

    /// <summary>The checkpoint archive the container is restored from (its image was that archive's path), else null.</summary>
    public string? CheckpointArchive { get; init; }
}
