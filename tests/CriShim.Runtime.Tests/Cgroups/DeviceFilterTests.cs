using CriShim.Native;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Cgroups.V2;
using CriShim.Runtime.Container;

namespace CriShim.Runtime.Tests.Cgroups;

public sealed class DeviceFilterTests
{
    private const int Block = 1, Char = 2;
    private const int Mknod = 1, Read = 2, Write = 4;

    [Fact]
    public void No_rules_is_the_prologue_then_deny()
    {
        var program = DeviceFilter.Compile([]);

        Assert.Equal(8, program.Count);
        Assert.Equal(BpfInstruction.MoveImmediate32(0, 0), program[^2]);
        Assert.Equal(BpfInstruction.Exit(), program[^1]);
    }

    [Fact]
    public void An_exact_rwm_rule_checks_type_major_minor_and_jumps_to_the_next_rule()
    {
        var program = DeviceFilter.Compile([DeviceRule.Char(1, 3, "rwm")]);

        Assert.Equal(
            [
                BpfInstruction.JumpIfNotEqual(2, Char, 4), BpfInstruction.JumpIfNotEqual(4, 1, 3),
                BpfInstruction.JumpIfNotEqual(5, 3, 2), BpfInstruction.MoveImmediate32(0, 1), BpfInstruction.Exit(),
            ],
            program.Skip(6).Take(5));
        Assert.Equal(13, program.Count);
    }

    [Fact]
    public void A_partial_access_wildcard_rule_checks_the_access_bits_only()
    {
        var program = DeviceFilter.Compile([DeviceRule.Block(null, null, "m")]);

        Assert.Equal(
            [
                BpfInstruction.JumpIfNotEqual(2, Block, 5), BpfInstruction.MoveRegister32(1, 3),
                BpfInstruction.AndImmediate32(1, Mknod), BpfInstruction.JumpIfNotEqualRegister(1, 3, 2),
                BpfInstruction.MoveImmediate32(0, 1), BpfInstruction.Exit(),
            ],
            program.Skip(6).Take(6));
    }

    [Fact]
    public void Allow_all_allows_without_checks() =>
        Assert.Equal(
            [BpfInstruction.MoveImmediate32(0, 1), BpfInstruction.Exit()],
            DeviceFilter.Compile([DeviceRule.AllowAll]).Skip(6).Take(2));

    [Fact]
    public void Instructions_encode_as_struct_bpf_insn()
    {
        // ldxw r2, [r1+0]: code 0x61, dst 2 in the low nibble, src 1 in the high one.
        Assert.Equal(0x1261UL, BpfInstruction.LoadWord(2, 1, 0).Encode());
        // jne r4, 254, +3
        Assert.Equal(0x000000FE_0003_0455UL, BpfInstruction.JumpIfNotEqual(4, 254, 3).Encode());
        Assert.Equal(0x95UL, BpfInstruction.Exit().Encode());
    }

    [Theory]
    [InlineData(Char, Read | Write, 1, 3, true)] // /dev/null
    [InlineData(Char, Read, 136, 7, true)] // a pts
    [InlineData(Char, Read, 1, 1, false)] // /dev/mem
    [InlineData(Block, Read, 254, 0, false)] // a host disk
    [InlineData(Block, Mknod, 254, 0, true)] // creating its node is fine
    [InlineData(Char, Mknod | Read, 1, 1, false)]
    public void Standard_rules_decide_as_runc_does(int type, int access, int major, int minor, bool allowed) =>
        Assert.Equal(allowed, Run(DeviceFilter.Compile(ContainerDeviceRules.Standard), type, access, major, minor));

    [Fact]
    public void A_read_only_rule_allows_reading_but_not_writing()
    {
        var program = DeviceFilter.Compile([DeviceRule.Block(8, 0, "r")]);

        Assert.True(Run(program, Block, Read, 8, 0));
        Assert.False(Run(program, Block, Read | Write, 8, 0));
        Assert.False(Run(program, Block, Read, 8, 1));
        Assert.False(Run(program, Char, Read, 8, 0));
    }

    /// <summary>Runs the program on one request, interpreting the few opcodes the generator uses.</summary>
    private static bool Run(IReadOnlyList<BpfInstruction> program, int type, int access, int major, int minor)
    {
        uint[] context = [(uint)(access << 16 | type), (uint)major, (uint)minor];
        var r = new ulong[11];
        for (var pc = 0; pc < program.Count; pc++)
        {
            var i = program[pc];
            switch (i.Code)
            {
                case 0x61: Assert.Equal(1, i.Source); r[i.Destination] = context[i.Offset / 4]; break;
                case 0x54: r[i.Destination] = (uint)r[i.Destination] & (uint)i.Immediate; break;
                case 0x74: r[i.Destination] = (uint)r[i.Destination] >> i.Immediate; break;
                case 0xbc: r[i.Destination] = (uint)r[i.Source]; break;
                case 0xb4: r[i.Destination] = (uint)i.Immediate; break;
                case 0x55: pc += r[i.Destination] != (ulong)(long)i.Immediate ? i.Offset : 0; break;
                case 0x5d: pc += r[i.Destination] != r[i.Source] ? i.Offset : 0; break;
                case 0x95: return r[0] == 1;
                default: throw new InvalidOperationException($"opcode 0x{i.Code:x2}");
            }
        }
        throw new InvalidOperationException("the program ran off its end");
    }
}
