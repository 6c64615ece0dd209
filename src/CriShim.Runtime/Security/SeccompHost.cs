using System.Runtime.InteropServices;
using CpuArchitecture = System.Runtime.InteropServices.Architecture;

namespace CriShim.Runtime.Security;

/// <summary>
/// The host facts a seccomp profile is evaluated against: the architecture in Go's naming (what
/// <c>includes.arches</c> lists) and as <c>SCMP_ARCH_*</c> (what <c>archMap</c> is keyed by), the kernel
/// version (for <c>minKernel</c>), and how <c>Localhost</c> profile files are read.
/// </summary>
public sealed record SeccompHost
{
    public required string Architecture { get; init; }

    public required string SeccompArchitecture { get; init; }

    public required Version Kernel { get; init; }

    public Func<string, byte[]> ReadProfile { get; init; } = File.ReadAllBytes;

    public static SeccompHost Local { get; } = Describe(RuntimeInformation.OSArchitecture, Environment.OSVersion.Version);

    private static SeccompHost Describe(CpuArchitecture architecture, Version kernel)
    {
        var (go, seccomp) = architecture switch
        {
            CpuArchitecture.X64 => ("amd64", "SCMP_ARCH_X86_64"),
            CpuArchitecture.X86 => ("386", "SCMP_ARCH_X86"),
            CpuArchitecture.Arm64 => ("arm64", "SCMP_ARCH_AARCH64"),
            CpuArchitecture.Arm => ("arm", "SCMP_ARCH_ARM"),
            CpuArchitecture.S390x => ("s390x", "SCMP_ARCH_S390X"),
            CpuArchitecture.Ppc64le => ("ppc64le", "SCMP_ARCH_PPC64LE"),
            CpuArchitecture.RiscV64 => ("riscv64", "SCMP_ARCH_RISCV64"),
            CpuArchitecture.LoongArch64 => ("loong64", "SCMP_ARCH_LOONGARCH64"),
            _ => (architecture.ToString().ToLowerInvariant(), ""),
        };
        // minKernel compares major.minor, as Docker's loader does.
        return new SeccompHost { Architecture = go, SeccompArchitecture = seccomp, Kernel = new Version(kernel.Major, kernel.Minor) };
    }
}
