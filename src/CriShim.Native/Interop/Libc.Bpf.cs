using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

/// <summary>bpf(2): loading a program and attaching it to a cgroup (glibc has no wrapper).</summary>
internal static partial class Libc
{
    internal const int BPF_PROG_LOAD = 5;
    internal const int BPF_PROG_ATTACH = 8;
    internal const uint BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    internal const uint BPF_CGROUP_DEVICE = 6;

    /// <summary>Lets programs of descendant cgroups run too, and lets a descendant attach its own (all must allow).</summary>
    internal const uint BPF_F_ALLOW_MULTI = 2;

    internal static long SysBpf => Arch(321, 280);

    /// <summary>The <c>BPF_PROG_LOAD</c> part of <c>union bpf_attr</c>, up to <c>expected_attach_type</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct BpfProgLoadAttr
    {
        public uint ProgType;
        public uint InsnCount;
        public ulong Insns;
        public ulong License;
        public uint LogLevel;
        public uint LogSize;
        public ulong LogBuf;
        public uint KernVersion;
        public uint ProgFlags;
        public fixed byte ProgName[16];
        public uint ProgIfindex;
        public uint ExpectedAttachType;
    }

    /// <summary>The <c>BPF_PROG_ATTACH</c> part of <c>union bpf_attr</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfProgAttachAttr
    {
        public uint TargetFd;
        public uint AttachBpfFd;
        public uint AttachType;
        public uint AttachFlags;
        public uint ReplaceBpfFd;
    }

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    internal static unsafe partial long SyscallBpf(long number, long command, void* attr, long size);
}
