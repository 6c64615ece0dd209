using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// The step into a user namespace. The kernel lets only a single-threaded process create or join one
/// (unshare/setns with CLONE_NEWUSER), and every .NET process has threads before Main (DESIGN.md), so the
/// helper execs this program, which has none: a static x86-64 executable of a few system calls, built here
/// from its machine code (assembled from the listing below) into a sealed memfd. Its stdio and every other
/// descriptor pass through; only <see cref="NamespaceDescriptor"/> is closed and <see cref="ImageDescriptor"/>
/// closes on its exec. It keeps the caller's pid, so a container process stays its monitor's child.
/// <code>
/// join:   setns(5, CLONE_NEWUSER)                        ; fd 5: the pod's user namespace
/// new:    unshare(CLONE_NEWUSER); write(5, 1 byte); read(5, 1 byte)
///                                                        ; fd 5: a socket; the parent writes the maps in between
/// common: close(5); setgroups(0, NULL); setresgid(0, 0, 0); setresuid(0, 0, 0)
///         fcntl(4, F_SETFD, FD_CLOEXEC)
///         execveat(4, "", argv, envp, AT_EMPTY_PATH)     ; argv and envp are this program's own
/// fail:   exit(errno)                                    ; EIO when the parent's socket closed early
/// </code>
/// Becoming root of the namespace before the exec keeps the namespace's full capabilities across it,
/// for the next stage to drop as the container asks.
/// </summary>
public static class UserNamespaceEntry
{
    /// <summary>The user namespace to join, or the socket to the parent that writes the new one's maps.</summary>
    public const int NamespaceDescriptor = 5;

    /// <summary>The executable run once inside: the helper (sandbox-init) or the stage root's loader (a container stage).</summary>
    public const int ImageDescriptor = 4;

    /// <summary>Offsets of the two entry points in <see cref="Code"/>.</summary>
    private const int JoinEntry = 0x00;
    private const int NewEntry = 0x1c;

    private const ulong LoadAddress = 0x400000;
    private const int ElfHeaderSize = 64;
    private const int ProgramHeaderSize = 56;

    private static readonly byte[] Code =
    [
        0xbf, 0x05, 0x00, 0x00, 0x00, 0xbe, 0x00, 0x00, 0x00, 0x10, 0xb8, 0x34, 0x01, 0x00, 0x00, 0x0f,
        0x05, 0x48, 0x85, 0xc0, 0x0f, 0x85, 0xd0, 0x00, 0x00, 0x00, 0xeb, 0x51, 0xbf, 0x00, 0x00, 0x00,
        0x10, 0xb8, 0x10, 0x01, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x0f, 0x85, 0xb9, 0x00, 0x00,
        0x00, 0x6a, 0x01, 0xbf, 0x05, 0x00, 0x00, 0x00, 0x48, 0x89, 0xe6, 0xba, 0x01, 0x00, 0x00, 0x00,
        0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x83, 0xf8, 0x01, 0x0f, 0x85, 0xa5, 0x00, 0x00,
        0x00, 0xbf, 0x05, 0x00, 0x00, 0x00, 0x48, 0x89, 0xe6, 0xba, 0x01, 0x00, 0x00, 0x00, 0x31, 0xc0,
        0x0f, 0x05, 0x48, 0x83, 0xf8, 0x01, 0x0f, 0x85, 0x8a, 0x00, 0x00, 0x00, 0x58, 0xbf, 0x05, 0x00,
        0x00, 0x00, 0xb8, 0x03, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x31, 0xff, 0x31, 0xf6, 0xb8, 0x74, 0x00,
        0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x75, 0x61, 0x31, 0xff, 0x31, 0xf6, 0x31, 0xd2, 0xb8,
        0x77, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x75, 0x4f, 0x31, 0xff, 0x31, 0xf6, 0x31,
        0xd2, 0xb8, 0x75, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x75, 0x3d, 0xbf, 0x04, 0x00,
        0x00, 0x00, 0xbe, 0x02, 0x00, 0x00, 0x00, 0xba, 0x01, 0x00, 0x00, 0x00, 0xb8, 0x48, 0x00, 0x00,
        0x00, 0x0f, 0x05, 0x48, 0x8b, 0x0c, 0x24, 0x48, 0x8d, 0x54, 0x24, 0x08, 0x4c, 0x8d, 0x54, 0xca,
        0x08, 0xbf, 0x04, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x35, 0x22, 0x00, 0x00, 0x00, 0x41, 0xb8, 0x00,
        0x10, 0x00, 0x00, 0xb8, 0x42, 0x01, 0x00, 0x00, 0x0f, 0x05, 0x48, 0xf7, 0xd8, 0x89, 0xc7, 0xb8,
        0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0xc7, 0xc0, 0xfb, 0xff, 0xff, 0xff, 0xeb, 0xeb, 0x00,
    ];

    /// <summary>
    /// Whether pods can have user namespaces here: the program is x86-64 code, the kernel must have user namespaces
    /// (and allow some) and id-mapped mounts (mount_setattr, Linux 5.12).
    /// </summary>
    public static bool IsSupported { get; } =
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64
        && File.Exists("/proc/self/ns/user")
        && File.Exists("/proc/sys/user/max_user_namespaces") && File.ReadAllText("/proc/sys/user/max_user_namespaces").Trim() != "0"
        && RecursiveReadOnlyMounts.IsSupported;

    /// <summary>A sealed memfd with the program that joins the user namespace open at <see cref="NamespaceDescriptor"/>.</summary>
    public static SafeFileHandle CreateJoining() => SealedMemoryFile.Of("crishim-userns-join", Executable(JoinEntry));

    /// <summary>A sealed memfd with the program that unshares a new user namespace and waits for its maps.</summary>
    public static SafeFileHandle CreateNew() => SealedMemoryFile.Of("crishim-userns-new", Executable(NewEntry));

    /// <summary>An ELF64 executable with one read+execute segment holding the headers and <see cref="Code"/>.</summary>
    private static byte[] Executable(int entry)
    {
        var image = new byte[ElfHeaderSize + ProgramHeaderSize + Code.Length];
        var span = image.AsSpan();
        "\u007fELF"u8.CopyTo(span);
        span[4] = 2; // 64-bit
        span[5] = 1; // little-endian
        span[6] = 1; // ELF version
        BinaryPrimitives.WriteUInt16LittleEndian(span[16..], 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(span[18..], 0x3e); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], LoadAddress + ElfHeaderSize + ProgramHeaderSize + (ulong)entry);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], ElfHeaderSize); // program headers follow
        BinaryPrimitives.WriteUInt16LittleEndian(span[52..], ElfHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[54..], ProgramHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[56..], 1);
        var header = span[ElfHeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1); // PT_LOAD
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 5); // PF_R | PF_X
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], LoadAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], LoadAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)image.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], (ulong)image.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[48..], 0x1000);
        Code.CopyTo(span[(ElfHeaderSize + ProgramHeaderSize)..]);
        return image;
    }
}
