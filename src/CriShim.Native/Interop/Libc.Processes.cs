using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const int WNOHANG = 1;
    internal const int PR_SET_PDEATHSIG = 1;
    internal const int PR_SET_NAME = 15;
    internal const long SYS_pidfd_open = 434;
    internal const long SYS_pidfd_send_signal = 424;
    internal const short POLLIN = 0x1;

    internal const short POSIX_SPAWN_SETSIGDEF = 0x04;
    internal const short POSIX_SPAWN_SETSIGMASK = 0x08;
    internal const short POSIX_SPAWN_SETSID = 0x80;

    /// <summary>Opaque glibc <c>posix_spawnattr_t</c> (336 bytes on x86_64/arm64), with room to spare.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 512)]
    internal struct SpawnAttributes
    {
        private long _first;
    }

    /// <summary>Opaque glibc <c>posix_spawn_file_actions_t</c> (80 bytes), with room to spare.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    internal struct SpawnFileActions
    {
        private long _first;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Name, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport(Name, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int Waitpid(int pid, out int status, int options);

    [LibraryImport(Name, EntryPoint = "prctl", SetLastError = true)]
    internal static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall(long number, long arg1, long arg2);

    /// <summary>syscall(2) with four arguments: the variadic wrapper passes on whatever the registers hold, so every argument is given.</summary>
    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall(long number, long arg1, long arg2, long arg3, long arg4);

    [LibraryImport(Name, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(ref PollFd fd, nuint count, int timeoutMs);

    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(nint fd);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_init")]
    internal static partial int PosixSpawnattrInit(ref SpawnAttributes attributes);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_destroy")]
    internal static partial int PosixSpawnattrDestroy(ref SpawnAttributes attributes);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setflags")]
    internal static partial int PosixSpawnattrSetflags(ref SpawnAttributes attributes, short flags);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setsigmask")]
    internal static partial int PosixSpawnattrSetsigmask(ref SpawnAttributes attributes, in SigSet mask);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setsigdefault")]
    internal static partial int PosixSpawnattrSetsigdefault(ref SpawnAttributes attributes, in SigSet signals);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_init")]
    internal static partial int PosixSpawnFileActionsInit(ref SpawnFileActions actions);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static partial int PosixSpawnFileActionsDestroy(ref SpawnFileActions actions);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PosixSpawnFileActionsAddopen(ref SpawnFileActions actions, int fd, string path, int flags, int mode);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PosixSpawnFileActionsAddchdir(ref SpawnFileActions actions, string path);

    [LibraryImport(Name, EntryPoint = "posix_spawn")]
    internal static unsafe partial int PosixSpawn(out int pid, byte* path, in SpawnFileActions actions, in SpawnAttributes attributes, byte** argv, byte** envp);

    [LibraryImport(Name, EntryPoint = "execve", SetLastError = true)]
    internal static unsafe partial int Execve(byte* path, byte** argv, byte** envp);

    [LibraryImport(Name, EntryPoint = "execveat", SetLastError = true)]
    internal static unsafe partial int Execveat(SafeFileHandle directoryFd, byte* path, byte** argv, byte** envp, int flags);

    internal static SafeFileHandle PidfdOpen(int pid)
    {
        var fd = Syscall(SYS_pidfd_open, pid, 0);
        return new SafeFileHandle((nint)fd, ownsHandle: true);
    }

    /// <summary>pidfd_send_signal(2) with no siginfo: like kill(2), but to the process the pidfd holds, never a recycled pid.</summary>
    internal static int PidfdSendSignal(SafeFileHandle pidfd, int signal) =>
        (int)Syscall(SYS_pidfd_send_signal, pidfd.DangerousGetHandle(), signal, 0, 0);
}
