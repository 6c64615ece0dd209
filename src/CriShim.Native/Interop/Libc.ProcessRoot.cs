using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "fchdir", SetLastError = true)]
    internal static partial int Fchdir(SafeFileHandle directory);

    [LibraryImport(Name, EntryPoint = "chroot", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Chroot(string path);
}
