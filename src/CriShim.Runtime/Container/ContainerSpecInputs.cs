using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Image;
using CriShim.Runtime.Security;

namespace CriShim.Runtime.Container;

/// <summary>
/// Everything <see cref="ContainerSpecBuilder"/> needs, already read from disk and the stores:
/// the request, what the sandbox made, the image, and the host-side facts (resolved mounts and
/// devices, cgroup placements, namespace files).
/// </summary>
public sealed record ContainerSpecInputs
{
    public required string Id { get; init; }
    public required ContainerConfig Config { get; init; }
    public required PodSandboxConfig SandboxConfig { get; init; }
    public required ImageRuntimeConfig Image { get; init; }
    public required IReadOnlyList<string> LayerDirectories { get; init; }
    public required UserDatabase Users { get; init; }

    /// <summary>The pod's namespace files; null where the pod uses the host's.</summary>
    public string? NetworkNamespace { get; init; }
    public string? IpcNamespace { get; init; }
    public string? UtsNamespace { get; init; }
    public string? PodPidNamespace { get; init; }

    /// <summary>The pod's user namespace (its pin) and mappings; null when the pod uses the host's.</summary>
    public string? UserNamespace { get; init; }
    public UserNamespaceMappings? UserMappings { get; init; }

    /// <summary>For PID mode TARGET: the target container's <c>/proc/&lt;pid&gt;/ns/pid</c>.</summary>
    public string? TargetPidNamespace { get; init; }

    /// <summary>The pod's /dev/shm directory, or the host's when the pod shares the host IPC namespace.</summary>
    public string? ShmPath { get; init; }
    public string? HostsPath { get; init; }
    public string? ResolvConfPath { get; init; }
    public string? HostnamePath { get; init; }

    /// <summary>The host name the container sees (for its HOSTNAME variable).</summary>
    public string? Hostname { get; init; }

    /// <summary>CRI mounts with their host paths resolved, in the request's order.</summary>
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];
    public IReadOnlyList<ContainerDevice> Devices { get; init; } = [];

    public required ContainerDirectory Directory { get; init; }
    public required string StateDirectory { get; init; }

    /// <summary>See <see cref="ContainerProcessSpec.StageFiles"/>.</summary>
    public string? StageFiles { get; init; }
    public string? LogPath { get; init; }
    public IReadOnlyList<CgroupPlacement> Cgroups { get; init; } = [];
    public IReadOnlyList<CgroupPlacement> MonitorCgroups { get; init; } = [];
    public OomKillCounter? OomKillCounter { get; init; }

    /// <summary>Architecture, kernel and profile files that seccomp profiles are evaluated against.</summary>
    public SeccompHost SeccompHost { get; init; } = SeccompHost.Local;

    /// <summary>The pod's runtime handler's profile for a container that names none; null: unconfined.</summary>
    public SecurityProfile? DefaultSeccomp { get; init; }
}
