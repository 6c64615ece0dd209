using System.Text;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;
using static Tmds.Linux.LibC;

namespace CriShim.Native;

/// <summary>
/// A <c>BPF_PROG_TYPE_CGROUP_DEVICE</c> program: how cgroup v2 decides device access (it has no
/// devices.allow). The kernel runs it on each open or mknod of a device node by a process of the cgroup.
/// </summary>
public static class DeviceFilterProgram
{
    private const uint VerifierLogSize = 64 * 1024;

    /// <summary>
    /// Loads <paramref name="program"/> and attaches it to the cgroup directory. The cgroup keeps the program
    /// (our descriptor is closed); it goes with the cgroup.
    /// </summary>
    public static void Attach(string cgroupDirectory, IReadOnlyList<BpfInstruction> program)
    {
        using var loaded = Load(program, cgroupDirectory);
        using SafeFileHandle cgroup = Libc.Open(cgroupDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (cgroup.IsInvalid)
        {
            throw Errno.Last("open", cgroupDirectory);
        }
        var attr = new Libc.BpfProgAttachAttr
        {
            TargetFd = (uint)cgroup.DangerousGetHandle(),
            AttachBpfFd = (uint)loaded.DangerousGetHandle(),
            AttachType = Libc.BPF_CGROUP_DEVICE,
            AttachFlags = Libc.BPF_F_ALLOW_MULTI,
        };
        unsafe
        {
            Errno.Check(Libc.SyscallBpf(Libc.SysBpf, Libc.BPF_PROG_ATTACH, &attr, sizeof(Libc.BpfProgAttachAttr)), "bpf(BPF_PROG_ATTACH)", cgroupDirectory);
        }
    }

    /// <summary>Loads the program; when the verifier refuses it, loads it again with a log to say why.</summary>
    private static SafeFileHandle Load(IReadOnlyList<BpfInstruction> program, string target)
    {
        var fd = TryLoad(program, log: null);
        if (fd >= 0)
        {
            return new SafeFileHandle((nint)fd, ownsHandle: true);
        }
        var error = Errno.Last("bpf(BPF_PROG_LOAD)", target);
        if (!error.IsInvalid && !error.IsPermissionDenied)
        {
            throw error;
        }
        var log = new byte[VerifierLogSize];
        fd = TryLoad(program, log);
        if (fd >= 0)
        {
            return new SafeFileHandle((nint)fd, ownsHandle: true);
        }
        var verifier = Encoding.UTF8.GetString(log, 0, Math.Max(0, Array.IndexOf(log, (byte)0))).Trim();
        throw Errno.Last("bpf(BPF_PROG_LOAD)", verifier.Length > 0 ? $"{target} (verifier: {verifier})" : target);
    }

    private static unsafe long TryLoad(IReadOnlyList<BpfInstruction> program, byte[]? log)
    {
        var words = program.Select(i => i.Encode()).ToArray();
        var license = "Apache\0"u8;
        fixed (ulong* insns = words)
        fixed (byte* licensePointer = license)
        fixed (byte* logPointer = log)
        {
            var attr = new Libc.BpfProgLoadAttr
            {
                ProgType = Libc.BPF_PROG_TYPE_CGROUP_DEVICE,
                InsnCount = (uint)words.Length,
                Insns = (ulong)insns,
                License = (ulong)licensePointer,
                LogLevel = log is null ? 0u : 1u,
                LogSize = log is null ? 0u : (uint)log.Length,
                LogBuf = (ulong)logPointer,
            };
            return Libc.SyscallBpf(Libc.SysBpf, Libc.BPF_PROG_LOAD, &attr, sizeof(Libc.BpfProgLoadAttr));
        }
    }
}
