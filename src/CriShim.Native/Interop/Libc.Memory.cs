using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    internal const int MADV_DONTNEED = 4;

    [LibraryImport(Name, EntryPoint = "madvise", SetLastError = true)]
    internal static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    /// <summary>The leading fields of <c>struct dl_phdr_info</c> (64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct DlPhdrInfo
    {
        public ulong Address;
        public byte* Name;
        public ProgramHeader* Phdr;
        public ushort PhdrCount;
    }

    /// <summary><c>Elf64_Phdr</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ProgramHeader
    {
        public uint Type;
        public uint Flags;
        public ulong Offset;
        public ulong VirtualAddress;
        public ulong PhysicalAddress;
        public ulong FileSize;
        public ulong MemorySize;
        public ulong Align;
    }

    [LibraryImport(Name, EntryPoint = "dl_iterate_phdr")]
    internal static unsafe partial int DlIteratePhdr(delegate* unmanaged<DlPhdrInfo*, nuint, void*, int> callback, void* data);
}
