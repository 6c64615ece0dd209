using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

/// <summary>seccomp(2) (glibc has no wrapper) and memfd_create(2), which holds libseccomp's exported program.</summary>
internal static partial class Libc
{
    internal const int SECCOMP_SET_MODE_FILTER = 1;
    internal const uint SECCOMP_FILTER_FLAG_TSYNC = 1;
    internal const uint SECCOMP_FILTER_FLAG_LOG = 2;
    internal const uint SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;
    internal const uint MFD_CLOEXEC = 1;

    internal static long SysSeccomp => Arch(317, 277);

    /// <summary><c>struct sock_fprog</c>: the instruction count and a pointer to <c>struct sock_filter</c>s.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct SocketFilterProgram
    {
        public ushort Length;
        public byte* Filter;
    }

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    internal static unsafe partial long SyscallSeccomp(long number, long operation, long flags, SocketFilterProgram* program);

    [LibraryImport(Name, EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial Microsoft.Win32.SafeHandles.SafeFileHandle MemfdCreate(string name, uint flags);
}
