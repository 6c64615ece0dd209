using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const ulong MS_NOSUID = 0x2;
    internal const ulong MS_NODEV = 0x4;
    internal const ulong MS_NOEXEC = 0x8;
    internal const ulong MS_BIND = 0x1000;
    internal const int MNT_DETACH = 0x2;

    [LibraryImport(Name, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, string? data);

    [LibraryImport(Name, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Umount2(string target, int flags);

    // Newer system calls share one number on every architecture (asm-generic/unistd.h).
    internal const long SYS_open_tree = 428;
    internal const long SYS_move_mount = 429;
    internal const int AT_FDCWD = -100;
    internal const int OPEN_TREE_CLONE = 0x1;
    internal const int OPEN_TREE_CLOEXEC = 0x80000;
    internal const int AT_RECURSIVE = 0x8000;
    internal const int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    internal const int MOVE_MOUNT_T_EMPTY_PATH = 0x40;
    internal const int AT_EMPTY_PATH = 0x1000;

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long OpenTree(long number, int directoryFd, string path, int flags);

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long OpenTreeAt(long number, nint directoryFd, string path, int flags);

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long MoveMountAt(long number, nint fromDirectoryFd, string fromPath, nint toDirectoryFd, string toPath, int flags);

    internal const ulong MS_RDONLY = 0x1;
    internal const ulong MS_REMOUNT = 0x20;
    internal const long ST_RDONLY = 0x1;

    /// <summary><c>struct statfs</c> on 64-bit Linux: the file system magic (<c>f_type</c>) and the mount flags (<c>f_flags</c>); the rest is not read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct StatFs
    {
        [FieldOffset(0)]
        public long Type;

        [FieldOffset(80)]
        public long Flags;
    }

    [LibraryImport(Name, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statfs(string path, out StatFs buffer);
}
