using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

/// <summary>Pipes, socket pairs and descriptor flags for wiring a child's stdio and sync channel.</summary>
internal static partial class Libc
{
    internal const int AF_UNIX = 1;
    internal const int SOCK_STREAM = 1;
    internal const int F_GETFD = 1;
    internal const int F_SETFD = 2;
    internal const int F_DUPFD_CLOEXEC = 1030;
    internal const int FD_CLOEXEC = 1;
    internal const int O_CLOEXEC_FLAG = 0x80000;
    internal const uint CLOSE_RANGE_CLOEXEC = 4;

    [LibraryImport(Name, EntryPoint = "pipe2", SetLastError = true)]
    internal static unsafe partial int Pipe2(int* fds, int flags);

    [LibraryImport(Name, EntryPoint = "socketpair", SetLastError = true)]
    internal static unsafe partial int Socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport(Name, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Name, EntryPoint = "dup2", SetLastError = true)]
    internal static partial int Dup2(int oldFd, int newFd);

    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static partial int PosixSpawnFileActionsAdddup2(ref SpawnFileActions actions, int fd, int newFd);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_addclose")]
    internal static partial int PosixSpawnFileActionsAddclose(ref SpawnFileActions actions, int fd);

    [LibraryImport(Name, EntryPoint = "setsid", SetLastError = true)]
    internal static partial int Setsid();

    [LibraryImport(Name, EntryPoint = "signal", SetLastError = true)]
    internal static partial nint SignalDisposition(int signal, nint handler);

    /// <summary>glibc <c>struct sigaction</c> starts with the handler; 256 bytes covers the rest.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    internal struct SignalAction
    {
        public nint Handler;
    }

    [LibraryImport(Name, EntryPoint = "sigaction", SetLastError = true)]
    internal static unsafe partial int Sigaction(int signal, SignalAction* action, SignalAction* oldAction);
}
