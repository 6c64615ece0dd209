using System.Text;
using CriShim.Native;
using CriShim.Runtime.Security;

namespace CriShim.Runtime.Tests.Security;

public sealed class SeccompProfileEvaluatorTests
{
    private static readonly SeccompHost Amd64 = new() { Architecture = "amd64", SeccompArchitecture = "SCMP_ARCH_X86_64", Kernel = new Version(5, 10) };

    private static SeccompProfile Profile(string syscalls, string extra = "") => SeccompProfileParser.Parse(
        Encoding.UTF8.GetBytes($$"""{ "defaultAction": "SCMP_ACT_ERRNO" {{extra}}, "syscalls": [{{syscalls}}] }"""), "test.json");

    private static IReadOnlyList<string> Names(SeccompSpec spec) => spec.Syscalls.SelectMany(r => r.Names).ToList();

    [Fact]
    public void Includes_need_every_capability_the_host_arch_and_kernel()
    {
        var profile = Profile("""
            { "names": ["both"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["CAP_SYS_ADMIN", "CAP_BPF"] } },
            { "names": ["admin"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["CAP_SYS_ADMIN"] } },
            { "names": ["here"], "action": "SCMP_ACT_ALLOW", "includes": { "arches": ["arm64", "amd64"] } },
            { "names": ["elsewhere"], "action": "SCMP_ACT_ALLOW", "includes": { "arches": ["s390x"] } },
            { "names": ["old"], "action": "SCMP_ACT_ALLOW", "includes": { "minKernel": "5.10" } },
            { "names": ["new"], "action": "SCMP_ACT_ALLOW", "includes": { "minKernel": "5.11" } }
            """);

        Assert.Equal(["admin", "here", "old"], Names(SeccompProfileEvaluator.Evaluate(profile, ["CAP_SYS_ADMIN"], Amd64)));
        Assert.Equal(["both", "admin", "here", "old"], Names(SeccompProfileEvaluator.Evaluate(profile, ["CAP_SYS_ADMIN", "CAP_BPF"], Amd64)));
    }

    [Fact]
    public void Excludes_drop_a_rule_when_any_of_them_holds()
    {
        var profile = Profile("""
            { "names": ["unless_admin_or_bpf"], "action": "SCMP_ACT_ALLOW", "excludes": { "caps": ["CAP_SYS_ADMIN", "CAP_BPF"] } },
            { "names": ["not_on_amd64"], "action": "SCMP_ACT_ALLOW", "excludes": { "arches": ["amd64"] } },
            { "names": ["before_5_4"], "action": "SCMP_ACT_ALLOW", "excludes": { "minKernel": "5.4" } },
            { "names": ["before_6_0"], "action": "SCMP_ACT_ALLOW", "excludes": { "minKernel": "6.0" } }
            """);

        Assert.Equal(["unless_admin_or_bpf", "before_6_0"], Names(SeccompProfileEvaluator.Evaluate(profile, [], Amd64)));
        Assert.Equal(["before_6_0"], Names(SeccompProfileEvaluator.Evaluate(profile, ["CAP_BPF"], Amd64)));
    }

    [Fact]
    public void Arch_map_picks_the_hosts_group_and_names_become_libseccomps()
    {
        var mapped = Profile("", """
            , "archMap": [{ "architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"] },
                          { "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] }]
            """);
        var listed = Profile("", """, "architectures": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]""");

        Assert.Equal(["x86_64", "x86", "x32"], SeccompProfileEvaluator.Evaluate(mapped, [], Amd64).Architectures);
        Assert.Equal(["aarch64", "arm"], SeccompProfileEvaluator.Evaluate(listed, [], Amd64).Architectures);
        Assert.Empty(SeccompProfileEvaluator.Evaluate(mapped, [], Amd64 with { SeccompArchitecture = "SCMP_ARCH_S390X" }).Architectures);
    }

    [Fact]
    public void Errno_defaults_to_eperm_and_flags_and_arguments_carry_over()
    {
        var profile = Profile(
            """
            { "names": ["a"], "action": "SCMP_ACT_ERRNO" },
            { "names": ["b"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "args": [{ "index": 1, "value": 4, "op": "SCMP_CMP_GT" }] }
            """,
            """, "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]""");

        var spec = SeccompProfileEvaluator.Evaluate(profile, [], Amd64);

        Assert.Equal((SeccompAction.Errno, 1), (spec.DefaultAction, spec.DefaultErrno));
        Assert.Equal([1, 38], spec.Syscalls.Select(r => r.Errno));
        Assert.Equal(new SeccompArgument { Index = 1, Value = 4, Op = SeccompOperator.GreaterThan }, Assert.Single(spec.Syscalls[1].Args));
        Assert.True(spec.LogActions);
        Assert.True(spec.AllowSpeculation);
    }
}
