using CriShim.Native;
using CriShim.Runtime.Container;
using CriShim.Runtime.Security;

namespace CriShim.Runtime.Tests.Security;

/// <summary>The shape of the default profile as the reference profile (Docker's default.json) has it.</summary>
public sealed class RuntimeDefaultSeccompProfileTests
{
    private static readonly SeccompHost Amd64 = new() { Architecture = "amd64", SeccompArchitecture = "SCMP_ARCH_X86_64", Kernel = new Version(6, 1) };

    private static SeccompSpec For(params string[] extraCapabilities) =>
        SeccompProfileEvaluator.Evaluate(RuntimeDefaultSeccompProfile.Profile, Capabilities.Default.Concat(extraCapabilities).ToList(), Amd64);

    private static IEnumerable<SeccompRule> RulesFor(SeccompSpec spec, string name) => spec.Syscalls.Where(r => r.Names.Contains(name));

    private static bool AllowsUnconditionally(SeccompSpec spec, string name) =>
        RulesFor(spec, name).Any(r => r.Action == SeccompAction.Allow && r.Args.Count == 0);

    [Fact]
    public void Denies_with_eperm_on_x86_64_x86_and_x32()
    {
        var spec = For();

        Assert.Equal((SeccompAction.Errno, 1), (spec.DefaultAction, spec.DefaultErrno));
        Assert.Equal(["x86_64", "x86", "x32"], spec.Architectures);
    }

    [Theory]
    [InlineData("read")]
    [InlineData("execve")]
    [InlineData("chmod")]
    [InlineData("fchmodat")]
    [InlineData("arch_prctl")]
    [InlineData("modify_ldt")]
    [InlineData("chroot")]
    [InlineData("ptrace")]
    public void Allows_the_everyday_syscalls_with_the_default_capabilities(string name) => Assert.True(AllowsUnconditionally(For(), name));

    [Theory]
    [InlineData("sethostname")]
    [InlineData("mount")]
    [InlineData("unshare")]
    [InlineData("setns")]
    [InlineData("bpf")]
    [InlineData("clone3")]
    public void Sys_admin_syscalls_need_cap_sys_admin(string name)
    {
        Assert.False(AllowsUnconditionally(For(), name));
        Assert.True(AllowsUnconditionally(For("CAP_SYS_ADMIN"), name));
    }

    [Fact]
    public void Without_cap_sys_admin_clone_may_not_create_namespaces_and_clone3_is_enosys()
    {
        var clone = Assert.Single(RulesFor(For(), "clone"));
        var clone3 = Assert.Single(RulesFor(For(), "clone3"));

        Assert.Equal(SeccompAction.Allow, clone.Action);
        Assert.Equal(new SeccompArgument { Index = 0, Value = 0x7e020000, ValueTwo = 0, Op = SeccompOperator.MaskedEqual }, Assert.Single(clone.Args));
        Assert.Equal((SeccompAction.Errno, 38), (clone3.Action, clone3.Errno));
        Assert.DoesNotContain(RulesFor(For("CAP_SYS_ADMIN"), "clone"), r => r.Args.Count > 0);
    }

    [Fact]
    public void Personality_is_allowed_only_for_the_linux_personas_and_the_query()
    {
        var values = RulesFor(For(), "personality").Select(r => Assert.Single(r.Args)).ToList();

        Assert.All(values, a => Assert.Equal((0u, SeccompOperator.EqualTo), (a.Index, a.Op)));
        Assert.Equal([0x0UL, 0x8, 0x20000, 0x20008, 0xffffffff], values.Select(a => a.Value));
    }

    [Theory]
    [InlineData("CAP_SYS_BOOT", "reboot")]
    [InlineData("CAP_SYS_MODULE", "init_module")]
    [InlineData("CAP_SYS_PTRACE", "process_madvise")]
    [InlineData("CAP_SYS_TIME", "settimeofday")]
    [InlineData("CAP_SYS_NICE", "mbind")]
    [InlineData("CAP_DAC_READ_SEARCH", "open_by_handle_at")]
    public void Capability_conditional_rules_follow_the_capability(string capability, string name)
    {
        Assert.False(AllowsUnconditionally(For(), name));
        Assert.True(AllowsUnconditionally(For(capability), name));
    }

    [Fact]
    public void Sockets_are_allowed_except_vsock()
    {
        var socket = Assert.Single(RulesFor(For(), "socket"));

        Assert.Equal(new SeccompArgument { Index = 0, Value = 40, Op = SeccompOperator.NotEqual }, Assert.Single(socket.Args));
    }

    [Fact]
    public void Without_cap_sys_chroot_chroot_is_denied()
    {
        var spec = SeccompProfileEvaluator.Evaluate(RuntimeDefaultSeccompProfile.Profile, [], Amd64);

        Assert.False(AllowsUnconditionally(spec, "chroot"));
    }
}
