using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const long SYS_mount_setattr = 442;
    internal const ulong MOUNT_ATTR_RDONLY = 0x1;
    internal const ulong MOUNT_ATTR_IDMAP = 0x100000;

    /// <summary><c>struct mount_attr</c> (linux/mount.h), version 0: 32 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClear;
        public ulong Propagation;
        public ulong UsernsFd;
    }

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long MountSetattr(long number, nint directoryFd, string path, int flags, ref MountAttr attr, nuint size);
}
