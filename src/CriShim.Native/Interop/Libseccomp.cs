using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

/// <summary>
/// libseccomp (Debian's <c>libseccomp2</c>): compiles syscall rules into one BPF program covering every
/// architecture of the filter. Functions return 0 or a negative errno; they do not set errno.
/// </summary>
internal static partial class Libseccomp
{
    private const string Name = "libseccomp.so.2";

    internal const uint SCMP_ACT_KILL_PROCESS = 0x80000000;
    internal const uint SCMP_ACT_KILL_THREAD = 0x00000000;
    internal const uint SCMP_ACT_TRAP = 0x00030000;
    internal const uint SCMP_ACT_ERRNO = 0x00050000;
    internal const uint SCMP_ACT_TRACE = 0x7ff00000;
    internal const uint SCMP_ACT_LOG = 0x7ffc0000;
    internal const uint SCMP_ACT_ALLOW = 0x7fff0000;

    /// <summary>What <c>seccomp_syscall_resolve_name</c> answers for a name this architecture lacks.</summary>
    internal const int NR_SCMP_ERROR = -1;

    /// <summary><c>struct scmp_arg_cmp</c>; <see cref="Op"/> is <c>enum scmp_compare</c> (NE = 1 ... MASKED_EQ = 7).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ArgumentComparison
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    [LibraryImport(Name, EntryPoint = "seccomp_init")]
    internal static partial SeccompFilterHandle Init(uint defaultAction);

    [LibraryImport(Name, EntryPoint = "seccomp_release")]
    internal static partial void Release(IntPtr filter);

    /// <summary>0 for a name libseccomp does not know (<c>x86_64</c>, <c>x86</c>, <c>x32</c>, <c>aarch64</c>...).</summary>
    [LibraryImport(Name, EntryPoint = "seccomp_arch_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint ResolveArchitecture(string name);

    [LibraryImport(Name, EntryPoint = "seccomp_arch_add")]
    internal static partial int AddArchitecture(SeccompFilterHandle filter, uint architecture);

    /// <summary>The syscall number on the native architecture (negative for libseccomp's pseudo syscalls), or <see cref="NR_SCMP_ERROR"/>.</summary>
    [LibraryImport(Name, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ResolveSyscall(string name);

    [LibraryImport(Name, EntryPoint = "seccomp_rule_add_array")]
    internal static unsafe partial int AddRule(SeccompFilterHandle filter, uint action, int syscall, uint count, ArgumentComparison* comparisons);

    /// <summary>Writes the compiled BPF program (what <c>seccomp_load</c> would load) to a file descriptor.</summary>
    [LibraryImport(Name, EntryPoint = "seccomp_export_bpf")]
    internal static partial int ExportBpf(SeccompFilterHandle filter, SafeHandle fd);
}
