using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const int LOCK_EX = 2;

    [LibraryImport(Name, EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(SafeFileHandle fd, int operation);
}
