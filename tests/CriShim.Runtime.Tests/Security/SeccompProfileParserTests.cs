using System.Text;
using CriShim.Native;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Security;

namespace CriShim.Runtime.Tests.Security;

public sealed class SeccompProfileParserTests
{
    private const string Source = "/etc/seccomp/p.json";

    private static SeccompProfile Parse(string json) => SeccompProfileParser.Parse(Encoding.UTF8.GetBytes(json), Source);

    private static string Error(string json) => Assert.Throws<InvalidArgumentException>(() => Parse(json)).Message;

    [Fact]
    public void Reads_every_field()
    {
        var profile = Parse("""
            {
              "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
              "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
              "flags": ["SECCOMP_FILTER_FLAG_LOG"],
              "syscalls": [
                { "names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "ignored" },
                { "name": "clone", "action": "SCMP_ACT_ALLOW",
                  "args": [{ "index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ" },
                           { "index": 5, "value": 18446744073709551615, "op": "SCMP_CMP_LE" }],
                  "includes": { "caps": ["CAP_SYS_ADMIN"], "arches": ["amd64"], "minKernel": "4.8" },
                  "excludes": { "caps": ["CAP_BPF"], "arches": ["s390x"], "minKernel": "6.1.2" } },
                { "names": ["kill"], "action": "SCMP_ACT_KILL" }, { "names": ["a"], "action": "SCMP_ACT_KILL_PROCESS" },
                { "names": ["b"], "action": "SCMP_ACT_TRAP" }, { "names": ["c"], "action": "SCMP_ACT_TRACE", "errnoRet": 7 },
                { "names": ["d"], "action": "SCMP_ACT_LOG" }, { "names": ["e"], "action": "SCMP_ACT_KILL_THREAD" }
              ]
            }
            """);

        Assert.Equal((SeccompAction.Errno, 38), (profile.DefaultAction, profile.DefaultErrnoRet));
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], profile.Architectures);
        Assert.Equal(["SECCOMP_FILTER_FLAG_LOG"], profile.Flags);
        var chmod = profile.Syscalls[0];
        Assert.Equal(["chmod", "fchmodat"], chmod.Names);
        Assert.Equal((SeccompAction.Errno, 13), (chmod.Action, chmod.ErrnoRet));
        Assert.Null(chmod.Includes);
        var clone = profile.Syscalls[1];
        Assert.Equal(["clone"], clone.Names);
        Assert.Equal(new SeccompArgument { Index = 0, Value = 0x7e020000, ValueTwo = 0, Op = SeccompOperator.MaskedEqual }, clone.Args[0]);
        Assert.Equal(new SeccompArgument { Index = 5, Value = ulong.MaxValue, Op = SeccompOperator.LessOrEqual }, clone.Args[1]);
        Assert.Equal(["CAP_SYS_ADMIN"], clone.Includes!.Caps);
        Assert.Equal(["amd64"], clone.Includes.Arches);
        Assert.Equal(new Version(4, 8), clone.Includes.MinKernel);
        Assert.Equal(["CAP_BPF"], clone.Excludes!.Caps);
        Assert.Equal(["s390x"], clone.Excludes.Arches);
        Assert.Equal(new Version(6, 1), clone.Excludes.MinKernel);
        Assert.Equal(
            [SeccompAction.KillThread, SeccompAction.KillProcess, SeccompAction.Trap, SeccompAction.Trace, SeccompAction.Log, SeccompAction.KillThread],
            profile.Syscalls.Skip(2).Select(r => r.Action));
    }

    [Fact]
    public void Reads_an_arch_map_and_keys_in_any_case_as_go_does()
    {
        var profile = Parse("""
            { "DefaultAction": "SCMP_ACT_ALLOW",
              "archMap": [{ "architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"] },
                          { "architecture": "SCMP_ARCH_RISCV64", "subArchitectures": null }],
              "Syscalls": [] }
            """);

        Assert.Equal(SeccompAction.Allow, profile.DefaultAction);
        Assert.Null(profile.DefaultErrnoRet);
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_RISCV64"], profile.ArchMap.Select(m => m.Architecture));
        Assert.Equal(["SCMP_ARCH_ARM"], profile.ArchMap[0].SubArchitectures);
        Assert.Empty(profile.ArchMap[1].SubArchitectures);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "(root): expected an object")]
    [InlineData("{}", "defaultAction: is required")]
    [InlineData("""{"defaultAction": "SCMP_ACT_FOO"}""", "defaultAction: unknown action \"SCMP_ACT_FOO\"")]
    [InlineData("""{"defaultAction": 3}""", "defaultAction: expected a string, found a number")]
    [InlineData("""{"defaultAction": "SCMP_ACT_NOTIFY"}""", "defaultAction: SCMP_ACT_NOTIFY needs a seccomp notify agent")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1}""", "defaultErrnoRet: expected a number from 0 to 65535")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["x86_64"]}""", "architectures[0]: unknown architecture \"x86_64\"")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}""", "architectures: both")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["i386"]}]}""", "archMap[0].subArchitectures[0]: unknown architecture")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}""", "flags[0]: unknown flag")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "listenerPath": "/run/agent.sock"}""", "listenerPath: seccomp notify agents are not supported")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": {}}""", "syscalls: expected an array, found an object")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"action": "SCMP_ACT_ALLOW"}]}""", "syscalls[0].names: needs at least one syscall name")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "a", "names": ["b"], "action": "SCMP_ACT_ALLOW"}]}""", "syscalls[0]: both 'name' and 'names'")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"]}]}""", "syscalls[0].action: is required")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALOW"}]}""", "syscalls[0].action: unknown action \"SCMP_ACT_ALOW\"")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}""", "syscalls[0].errnoRet: is only allowed with SCMP_ACT_ERRNO and SCMP_ACT_TRACE")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "op": "SCMP_CMP_EQ"}]}]}""", "syscalls[0].args[0].index: expected a syscall argument index from 0 to 5")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1}]}]}""", "syscalls[0].args[0].op: is required")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "op": "SCMP_CMP_XX"}]}]}""", "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_XX\"")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": -5, "op": "SCMP_CMP_EQ"}]}]}""", "syscalls[0].args[0].value: expected an unsigned 64-bit number, found -5")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "valueTwo": "1", "op": "SCMP_CMP_EQ"}]}]}""", "syscalls[0].args[0].valueTwo: expected an unsigned 64-bit number")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "four"}}]}""", "syscalls[0].includes.minKernel: \"four\" is not a kernel version")]
    [InlineData("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": "CAP_SYS_ADMIN"}}]}""", "syscalls[0].excludes.caps: expected an array, found a string")]
    public void Errors_name_the_file_and_the_field(string json, string expected)
    {
        var message = Error(json);

        Assert.StartsWith($"seccomp profile {Source}: ", message);
        Assert.Contains(expected, message);
    }
}
