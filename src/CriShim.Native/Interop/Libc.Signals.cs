using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const int SIG_BLOCK = 0;
    internal const int SIG_SETMASK = 2;
    internal const int SFD_CLOEXEC = 0x80000;

    /// <summary>glibc's <c>sigset_t</c>: 1024 bits.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 128)]
    internal struct SigSet
    {
        private long _first;
    }

    [LibraryImport(Name, EntryPoint = "sigemptyset", SetLastError = true)]
    internal static partial int Sigemptyset(ref SigSet set);

    [LibraryImport(Name, EntryPoint = "sigaddset", SetLastError = true)]
    internal static partial int Sigaddset(ref SigSet set, int signal);

    [LibraryImport(Name, EntryPoint = "sigismember", SetLastError = true)]
    internal static partial int Sigismember(in SigSet set, int signal);

    [LibraryImport(Name, EntryPoint = "pthread_sigmask")]
    internal static unsafe partial int PthreadSigmask(int how, SigSet* set, SigSet* oldSet);

    [LibraryImport(Name, EntryPoint = "signalfd", SetLastError = true)]
    internal static partial int Signalfd(int fd, in SigSet mask, int flags);

    [LibraryImport(Name, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(int fd, void* buffer, nuint count);
}
