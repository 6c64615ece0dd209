namespace CriShim.Contract;

/// <summary>
/// <c>crishim-runtime exec &lt;spec&gt;</c>: run <see cref="Process"/> inside a running container (its
/// namespaces from <c>/proc/&lt;pid&gt;/ns</c>, its cgroup) and capture stdout and stderr.
/// </summary>
public sealed record ExecSpec
{
    /// <summary>The container's init process; exec refuses to run when it is not this very process.</summary>
    public required int ContainerPid { get; set; }

    public required ulong ContainerStartTime { get; set; }

    /// <summary>Usually the container's own process spec with the exec's argv (and no tty).</summary>
    public required ProcessSpec Process { get; set; }

    /// <summary>The container's cgroups (<see cref="ContainerProcessSpec.Cgroups"/>), joined before the command runs.</summary>
    public IReadOnlyList<CgroupPlacement> Cgroups { get; set; } = [];

    /// <summary>As <see cref="ContainerProcessSpec.StageFiles"/>.</summary>
    public string? StageFiles { get; set; }

    /// <summary>Kill the command (its whole process group) after this long; 0 waits forever.</summary>
    public long TimeoutMilliseconds { get; set; }

    /// <summary>Bytes kept of each of stdout and stderr; the rest is read and dropped.</summary>
    public int MaxOutputBytes { get; set; } = 16 * 1024 * 1024;
}
