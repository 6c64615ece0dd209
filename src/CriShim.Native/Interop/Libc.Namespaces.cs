using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "unshare", SetLastError = true)]
    internal static partial int Unshare(int flags);

    [LibraryImport(Name, EntryPoint = "setns", SetLastError = true)]
    internal static partial int Setns(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int nstype);

    [LibraryImport(Name, EntryPoint = "sethostname", SetLastError = true)]
    internal static unsafe partial int Sethostname(byte* name, nuint length);
}
