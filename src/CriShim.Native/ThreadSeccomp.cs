using CriShim.Native.Interop;
using CriShim.Native.Protocol;

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

    public static unsafe void LoadFilter(SeccompProgram program, bool allThreads = false)
    {
        var instructions = program.Filter.Length / 8;
        if (instructions == 0 || instructions > MaxInstructions || program.Filter.Length % 8 != 0)
        {
            throw new ArgumentException($"a seccomp filter of {program.Filter.Length} bytes is not 1 to {MaxInstructions} BPF instructions");
        }
        var flags = (program.LogActions ? Libc.SECCOMP_FILTER_FLAG_LOG : 0) | (program.AllowSpeculation ? Libc.SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0)
            | (allThreads ? Libc.SECCOMP_FILTER_FLAG_TSYNC : 0);
        fixed (byte* filter = program.Filter)
        {
            var fprog = new Libc.SocketFilterProgram { Length = (ushort)instructions, Filter = filter };
            Errno.Check(Libc.SyscallSeccomp(Libc.SysSeccomp, Libc.SECCOMP_SET_MODE_FILTER, flags, &fprog), "seccomp(SECCOMP_SET_MODE_FILTER)");
        }
    }
}
