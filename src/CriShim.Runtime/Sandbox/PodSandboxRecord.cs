using System.Text.Json.Serialization;
using CriShim.Native;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Runtime.Sandbox;

public enum PodSandboxLifecycle
{
    Ready,
    NotReady,

    /// <summary>
    /// Written before Run acquires anything and left only when Run finishes: a record still creating at
    /// start-up is what a crash interrupted, and is rolled back. Callers never see it.
    /// </summary>
    Creating,
}

/// <summary>
/// A pod sandbox as stored under <c>{root}/sandboxes</c>: the kubelet's config, what Run created (so
/// Stop and Remove can undo it after restarts) and the lifecycle state.
/// </summary>
public sealed record PodSandboxRecord
{
    public required string Id { get; init; }

    /// <summary>The <see cref="PodSandboxConfig"/> the kubelet sent, in protobuf JSON.</summary>
    public required string ConfigJson { get; init; }

    public required string RuntimeHandler { get; init; }

    /// <summary>Unix time in nanoseconds, as CRI reports it.</summary>
    public required long CreatedAt { get; init; }

    public PodSandboxLifecycle State { get; init; }

    /// <summary>The namespaces the pod has of its own (pinned under the sandbox's state dir).</summary>
    public required NamespaceKinds Namespaces { get; init; }

    /// <summary>The cgroup pause (if any) runs in: <c>{cgroup parent}/crishim-{id}</c>.</summary>
    public required string CgroupPath { get; init; }

    /// <summary>
    /// Ancestors of <see cref="CgroupPath"/> that Run created (recorded before it creates them) or inherited from a removed pod,
    /// deleted by Remove when they are empty, outermost first.
    /// </summary>
    public IReadOnlyList<string> CreatedCgroupParents { get; init; } = [];

    /// <summary>
    /// True for a pod with no pause process (<see cref="PodInfra"/>): only the pins hold its namespaces. Absent from
    /// records written before pods could go without pause, which all have one.
    /// </summary>
    public bool Pauseless { get; init; }

    /// <summary>Recorded the moment sandbox-init reports it; before that, pause can only be found in <see cref="CgroupPath"/>. None when <see cref="Pauseless"/>.</summary>
    public ProcessIdentity Pause { get; init; }

    public IReadOnlyList<string> Ips { get; init; } = [];

    /// <summary>The CNI result of the network set-up, for verbose status; null for host-network pods.</summary>
    public string? CniResult { get; init; }

    /// <summary>True between a successful network set-up and its tear-down.</summary>
    public bool NetworkAttached { get; init; }

    [JsonIgnore]
    public PodSandboxConfig Config => PodSandboxConfig.Parser.ParseJson(ConfigJson);

    public static string ConfigToJson(PodSandboxConfig config) => JsonFormatter.Default.Format(config);

    /// <summary>The key the kubelet expects to be unique: name, namespace, uid and attempt.</summary>
    public static string NameOf(PodSandboxMetadata metadata) =>
        $"{metadata.Name}_{metadata.Namespace}_{metadata.Uid}_{metadata.Attempt}";
}
