using CriShim.Native;

namespace CriShim.Runtime.Security;

/// <summary>
/// A seccomp profile in the OCI/Docker JSON format (Docker's <c>default.json</c>, the files kubelet's
/// <c>Localhost</c> profiles name), parsed by <see cref="SeccompProfileParser"/> but not yet evaluated:
/// includes and excludes still depend on the process's capabilities and the host.
/// </summary>
public sealed record SeccompProfile
{
    /// <summary>Where it came from (<c>RuntimeDefault</c> or the file), for errors.</summary>
    public required string Source { get; init; }

    public required SeccompAction DefaultAction { get; init; }

    public int? DefaultErrnoRet { get; init; }

    /// <summary><c>SCMP_ARCH_*</c> names; when empty, <see cref="ArchMap"/> picks them for the host.</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    public IReadOnlyList<SeccompArchitectureGroup> ArchMap { get; init; } = [];

    public IReadOnlyList<SeccompProfileRule> Syscalls { get; init; } = [];

    /// <summary><c>SECCOMP_FILTER_FLAG_*</c> names.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
}

/// <summary>An <c>archMap</c> entry: the architectures a filter covers on a host of <see cref="Architecture"/>.</summary>
public sealed record SeccompArchitectureGroup(string Architecture, IReadOnlyList<string> SubArchitectures);

public sealed record SeccompProfileRule
{
    public required IReadOnlyList<string> Names { get; init; }

    public required SeccompAction Action { get; init; }

    public int? ErrnoRet { get; init; }

    public IReadOnlyList<SeccompArgument> Args { get; init; } = [];

    /// <summary>The rule applies only when all of these hold.</summary>
    public SeccompRuleCondition? Includes { get; init; }

    /// <summary>The rule is dropped when any of these holds.</summary>
    public SeccompRuleCondition? Excludes { get; init; }
}

/// <summary>
/// <c>includes</c>/<c>excludes</c>: capabilities (<c>CAP_*</c>), architectures in Go's naming
/// (<c>amd64</c>, <c>arm64</c>, <c>s390x</c>...) and a minimum kernel version.
/// </summary>
public sealed record SeccompRuleCondition
{
    public IReadOnlyList<string> Caps { get; init; } = [];

    public IReadOnlyList<string> Arches { get; init; } = [];

    public Version? MinKernel { get; init; }
}
