namespace CriShim.Contract;

/// <summary>
/// A seccomp filter compiled by the daemon (libseccomp's BPF for every architecture of the profile):
/// the runtime helper only hands it to the kernel, on the thread that calls execve.
/// </summary>
public sealed record SeccompProgram
{
    /// <summary>Classic BPF instructions (<c>struct sock_filter</c>, 8 bytes each) as libseccomp exported them.</summary>
    public required byte[] Filter { get; set; }

    /// <summary>SECCOMP_FILTER_FLAG_LOG: the kernel logs every action but allow.</summary>
    public bool LogActions { get; set; }

    /// <summary>SECCOMP_FILTER_FLAG_SPEC_ALLOW: no speculative store bypass mitigation forced on the process.</summary>
    public bool AllowSpeculation { get; set; }
}
