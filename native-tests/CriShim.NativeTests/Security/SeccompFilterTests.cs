using CriShim.Native;
using CriShim.Runtime.Security;

namespace CriShim.NativeTests.Security;

/// <summary>Compiling and exporting filters with the real libseccomp (never loaded here: that would confine the test's thread).</summary>
public sealed class SeccompFilterTests
{
    private static SeccompSpec Spec(params SeccompRule[] rules) => new()
    {
        Source = "test",
        DefaultAction = SeccompAction.Errno,
        Architectures = ["x86_64", "x86", "x32"],
        Syscalls = rules,
    };

    [Fact]
    public void Names_the_architecture_lacks_are_skipped_as_runc_does()
    {
        using var filter = SeccompFilter.Compile(Spec(new SeccompRule { Names = ["read", "no_such_syscall", "write"], Action = SeccompAction.Allow }));

        Assert.Equal(["no_such_syscall"], filter.SkippedSyscalls);
    }

    [Fact]
    public void Exports_a_bpf_program_with_the_load_flags()
    {
        var program = SeccompProgramCompiler.Compile(Spec(new SeccompRule { Names = ["read"], Action = SeccompAction.Allow }) with { LogActions = true })!;
        var larger = SeccompProgramCompiler.Compile(Spec(new SeccompRule { Names = ["read", "write", "close"], Action = SeccompAction.Allow }))!;

        Assert.True(program.Filter.Length > 0 && program.Filter.Length % 8 == 0, $"{program.Filter.Length} bytes");
        Assert.True(larger.Filter.Length > program.Filter.Length);
        Assert.True(program.LogActions);
        Assert.False(program.AllowSpeculation);
    }

    [Fact]
    public void Compiles_every_action_and_operator_and_repeated_argument_conditions()
    {
        var operators = Enum.GetValues<SeccompOperator>()
            .Select((op, i) => new SeccompRule
            {
                Names = ["personality"],
                Action = SeccompAction.Allow,
                Args = [new SeccompArgument { Index = 0, Value = (ulong)i + 1, ValueTwo = op == SeccompOperator.MaskedEqual ? 1UL : 0, Op = op }],
            });
        var actions = Enum.GetValues<SeccompAction>().Where(a => a != SeccompAction.Errno)
            .Select((action, i) => new SeccompRule { Names = [new[] { "kill", "tkill", "acct", "getpid", "chroot", "sync" }[i]], Action = action, Errno = 5 });
        var sameArgumentTwice = new SeccompRule
        {
            Names = ["socket"],
            Action = SeccompAction.Allow,
            Args = [new SeccompArgument { Index = 0, Value = 1, Op = SeccompOperator.EqualTo }, new SeccompArgument { Index = 0, Value = 2, Op = SeccompOperator.EqualTo }],
        };

        using var filter = SeccompFilter.Compile(Spec([.. operators, .. actions, sameArgumentTwice]));

        Assert.Empty(filter.SkippedSyscalls);
        Assert.NotEmpty(filter.Export());
    }

    [Fact]
    public void An_unknown_architecture_is_an_argument_error()
    {
        var e = Assert.Throws<ArgumentException>(() => SeccompFilter.Compile(Spec() with { Architectures = ["vax"] }));

        Assert.Contains("vax", e.Message);
    }
}
