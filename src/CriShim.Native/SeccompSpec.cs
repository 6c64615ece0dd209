namespace CriShim.Native;

/// <summary>
/// A seccomp filter as the daemon resolved it from a profile: includes and excludes already evaluated
/// against the process's capabilities and the host, actions and operators checked. <see cref="SeccompFilter"/>
/// compiles it with libseccomp (skipping names this architecture lacks, as runc does).
/// </summary>
public sealed record SeccompSpec
{
    /// <summary>The profile it came from (<c>RuntimeDefault</c> or the file), for errors.</summary>
    public string Source { get; set; } = "";

    public SeccompAction DefaultAction { get; set; }

    /// <summary>The errno (Errno) or message number (Trace) of the default action.</summary>
    public int DefaultErrno { get; set; } = 1;

    /// <summary>libseccomp architecture names besides the native one (<c>x86_64</c>, <c>x86</c>, <c>x32</c>...).</summary>
    public IReadOnlyList<string> Architectures { get; set; } = [];

    public IReadOnlyList<SeccompRule> Syscalls { get; set; } = [];

    /// <summary>SECCOMP_FILTER_FLAG_LOG: the kernel logs every action but allow.</summary>
    public bool LogActions { get; set; }

    /// <summary>SECCOMP_FILTER_FLAG_SPEC_ALLOW: no speculative store bypass mitigation forced on the process.</summary>
    public bool AllowSpeculation { get; set; }
}

/// <summary>One profile entry: the action for these syscalls when every argument condition holds.</summary>
public sealed record SeccompRule
{
    public IReadOnlyList<string> Names { get; set; } = [];

    public SeccompAction Action { get; set; }

    /// <summary>The errno (Errno) or message number (Trace).</summary>
    public int Errno { get; set; } = 1;

    public IReadOnlyList<SeccompArgument> Args { get; set; } = [];
}

/// <summary>A condition on one syscall argument (<c>SCMP_CMP_*</c>); <see cref="ValueTwo"/> is MaskedEqual's expected value.</summary>
public sealed record SeccompArgument
{
    public uint Index { get; set; }

    public ulong Value { get; set; }

    public ulong ValueTwo { get; set; }

    public SeccompOperator Op { get; set; }
}

/// <summary>The OCI <c>SCMP_ACT_*</c> actions crishim can load (NOTIFY needs a seccomp agent and is refused).</summary>
public enum SeccompAction
{
    KillThread,
    KillProcess,
    Trap,
    Errno,
    Trace,
    Allow,
    Log,
}

/// <summary>The OCI <c>SCMP_CMP_*</c> operators.</summary>
public enum SeccompOperator
{
    NotEqual,
    LessThan,
    LessOrEqual,
    EqualTo,
    GreaterOrEqual,
    GreaterThan,
    MaskedEqual,
}
