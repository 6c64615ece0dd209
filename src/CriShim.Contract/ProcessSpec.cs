namespace CriShim.Contract;

/// <summary>
/// The process a container (or an exec in it) runs, fully resolved by the daemon: the helper does not
/// read image config or /etc/passwd, it only applies these values on the thread that calls execve.
/// </summary>
public sealed record ProcessSpec
{
    /// <summary>argv; <c>Args[0]</c> is looked up in the container's PATH (from <see cref="Env"/>) unless it has a slash.</summary>
    public required IReadOnlyList<string> Args { get; set; }

    /// <summary><c>NAME=value</c> entries, exactly as the process gets them.</summary>
    public IReadOnlyList<string> Env { get; set; } = [];

    /// <summary>Absolute path inside the container; created (as root, mode 0755) when missing, as runc does.</summary>
    public string WorkingDirectory { get; set; } = "/";

    public ProcessUser User { get; set; } = new();

    /// <summary>
    /// Capability names (<c>CAP_CHOWN</c>...) kept in the bounding, permitted and effective sets; the
    /// inheritable and ambient sets stay empty, so a non-root user ends up with none after execve.
    /// </summary>
    public IReadOnlyList<string> Capabilities { get; set; } = [];

    public bool NoNewPrivileges { get; set; }

    /// <summary>The seccomp filter the process runs under (loaded before execve, runc's order); null: unconfined.</summary>
    public SeccompProgram? Seccomp { get; set; }

    public IReadOnlyList<ProcessRlimit> Rlimits { get; set; } = [];

    /// <summary>Stdout and stderr (and stdin when <see cref="Stdin"/>) on one pseudo-terminal.</summary>
    public bool Tty { get; set; }

    /// <summary>Keep a stdin pipe open for attach; otherwise stdin is /dev/null.</summary>
    public bool Stdin { get; set; }

    public bool StdinOnce { get; set; }
}

/// <summary>The numeric identity of the process; names were resolved against the container's /etc files by the daemon.</summary>
public sealed record ProcessUser
{
    public uint Uid { get; set; }

    public uint Gid { get; set; }

    /// <summary>Supplementary groups, in the order setgroups gets them.</summary>
    public IReadOnlyList<uint> AdditionalGids { get; set; } = [];
}

/// <summary>One resource limit by its C name (<c>RLIMIT_NOFILE</c>...).</summary>
public sealed record ProcessRlimit(string Type, ulong Soft, ulong Hard);
