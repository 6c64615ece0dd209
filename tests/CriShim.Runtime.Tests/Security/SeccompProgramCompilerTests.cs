using CriShim.Native;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Security;

namespace CriShim.Runtime.Tests.Security;

public sealed class SeccompProgramCompilerTests
{
    private static readonly SeccompHost Amd64 = new() { Architecture = "amd64", SeccompArchitecture = "SCMP_ARCH_X86_64", Kernel = new Version(6, 1) };

    [Fact]
    public void No_filter_compiles_to_no_program()
    {
        Assert.Null(SeccompProgramCompiler.Compile(null));
    }

    [Fact]
    public void The_default_profile_compiles_to_one_bpf_program_within_the_kernels_limit()
    {
        var spec = SeccompProfileEvaluator.Evaluate(RuntimeDefaultSeccompProfile.Profile, [], Amd64);

        var program = SeccompProgramCompiler.Compile(spec)!;

        Assert.Equal(0, program.Filter.Length % 8);
        Assert.InRange(program.Filter.Length / 8, 1, 4096);
        Assert.False(program.LogActions);
    }

    [Fact]
    public void What_libseccomp_refuses_is_invalid_argument_naming_the_profile()
    {
        var spec = new SeccompSpec { Source = "/etc/seccomp/odd.json", DefaultAction = SeccompAction.Errno, Architectures = ["vax"] };

        var e = Assert.Throws<InvalidArgumentException>(() => SeccompProgramCompiler.Compile(spec));

        Assert.Contains("seccomp profile /etc/seccomp/odd.json cannot be compiled", e.Message);
        Assert.Contains("vax", e.Message);
    }
}
