using CriShim.Native;

namespace CriShim.Contract;

/// <summary>
/// What <c>crishim-runtime sandbox-init</c> does, in this order: join <see cref="Cgroups"/>,
/// unshare <see cref="Namespaces"/>, set the host name, bring <c>lo</c> up, write the sysctls, and spawn
/// the pause process (PID 1 of a new PID namespace when <see cref="Namespaces"/> has Pid), or, with a
/// <see cref="PinDirectory"/>, pin the namespaces there and start no process at all.
/// </summary>
public sealed record SandboxInitRequest
{
    /// <summary>New namespaces for the pod (Network, Uts, Ipc, Pid); the rest stay the host's.</summary>
    public required NamespaceKinds Namespaces { get; init; }

    /// <summary>Set when the pod has its own UTS namespace.</summary>
    public string? Hostname { get; init; }

    /// <summary>Sysctls by their dotted name, values to write; the names were checked by the daemon.</summary>
    public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>();

    /// <summary>The pod's cgroup in every hierarchy; pause starts inside.</summary>
    public IReadOnlyList<CgroupPlacement> Cgroups { get; init; } = [];

    /// <summary>
    /// A new user namespace with these mappings (CRI userns_options mode POD), entered before everything but the
    /// cgroup, so the pod's other namespaces belong to it and pause runs in it; null: the host's.
    /// </summary>
    public UserNamespaceMappings? UserNamespace { get; init; }

    /// <summary>
    /// Set for a pod without pause (CRI-O's <c>drop_infra_ctr</c>): sandbox-init pins its own thread's namespaces in
    /// this directory before it exits, and answers no pause pid. Null: spawn pause, whose namespaces the daemon pins.
    /// </summary>
    public string? PinDirectory { get; init; }

    /// <summary>The pause process's seccomp filter, loaded on the spawning thread right before pause is spawned; null: none.</summary>
    public SeccompProgram? Seccomp { get; init; }
}
