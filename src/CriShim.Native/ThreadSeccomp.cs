using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// Puts the calling thread under a compiled seccomp filter (no TSYNC: only this thread, the one that
/// will execve; its children inherit it), or every thread of the process with <c>allThreads</c> (for a
/// process that keeps running, pause). Without no_new_privs the kernel wants CAP_SYS_ADMIN for this.
/// </summary>
public static class ThreadSeccomp
{
    /// <summary>The kernel's limit on one filter (BPF_MAXINSNS).</summary>
    private const int MaxInstructions = 4096;

    /// <param name="filter">Classic BPF instructions (<c>struct sock_filter</c>, 8 bytes each).</param>
    public static unsafe void LoadFilter(byte[] filter, bool logActions, bool allowSpeculation, bool allThreads = false)
    {
        var instructions = filter.Length / 8;
        if (instructions == 0 || instructions > MaxInstructions || filter.Length % 8 != 0)
        {
            throw new ArgumentException($"a seccomp filter of {filter.Length} bytes is not 1 to {MaxInstructions} BPF instructions");
        }
        var flags = (logActions ? Libc.SECCOMP_FILTER_FLAG_LOG : 0) | (allowSpeculation ? Libc.SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0)
            | (allThreads ? Libc.SECCOMP_FILTER_FLAG_TSYNC : 0);
        fixed (byte* instructionBytes = filter)
        {
            var fprog = new Libc.SocketFilterProgram { Length = (ushort)instructions, Filter = instructionBytes };
            Errno.Check(Libc.SyscallSeccomp(Libc.SysSeccomp, Libc.SECCOMP_SET_MODE_FILTER, flags, &fprog), "seccomp(SECCOMP_SET_MODE_FILTER)");
        }
    }
}
