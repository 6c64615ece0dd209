using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

/// <summary>
/// Raw credential and capability system calls. glibc's setuid family signals every thread to change
/// credentials together; the raw calls change only the calling thread, which is the one that execs.
/// </summary>
internal static partial class Libc
{
    internal const int PR_SET_DUMPABLE = 4;
    internal const int PR_SET_KEEPCAPS = 8;
    internal const int PR_CAPBSET_READ = 23;
    internal const int PR_CAPBSET_DROP = 24;
    internal const int PR_SET_NO_NEW_PRIVS = 38;
    internal const int PR_CAP_AMBIENT = 47;
    internal const int PR_CAP_AMBIENT_CLEAR_ALL = 4;
    internal const uint LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    [StructLayout(LayoutKind.Sequential)]
    internal struct CapabilityHeader
    {
        public uint Version;
        public int Pid;
    }

    /// <summary>One 32-bit word of the three capability sets; version 3 uses two of them.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CapabilityData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall3(long number, long arg1, long arg2, long arg3);

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    internal static unsafe partial long SyscallPointers(long number, void* arg1, void* arg2);

    internal static long SysSetgroups => Arch(116, 159);
    internal static long SysSetresuid => Arch(117, 147);
    internal static long SysSetresgid => Arch(119, 149);
    internal static long SysCapget => Arch(125, 90);
    internal static long SysCapset => Arch(126, 91);
    internal static long SysPivotRoot => Arch(155, 41);
    internal static long SysCloseRange => 436;

    /// <summary>System call numbers differ between x86_64 and arm64 (the generic table).</summary>
    private static long Arch(long x64, long arm64) => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => x64,
        Architecture.Arm64 => arm64,
        var other => throw new PlatformNotSupportedException($"no system call table for {other}"),
    };
}
