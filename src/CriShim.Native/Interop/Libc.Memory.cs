using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const int MADV_DONTNEED = 4;

    [LibraryImport(Name, EntryPoint = "madvise", SetLastError = true)]
    internal static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(int fd, byte* buffer, nuint count);
}
