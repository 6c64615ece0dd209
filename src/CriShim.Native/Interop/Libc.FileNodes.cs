using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const int AtFdCwd = -100;
    internal const int AtSymlinkNoFollow = 0x100;

    [StructLayout(LayoutKind.Sequential)]
    internal struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(Name, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Lchown(string path, int owner, int group);

    [LibraryImport(Name, EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mknod(string path, uint mode, ulong device);

    [LibraryImport(Name, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Link(string existing, string newPath);

    [LibraryImport(Name, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int Lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport(Name, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial nint Lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport(Name, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int Utimensat(int directoryFd, string path, TimeSpec* times, int flags);
}
