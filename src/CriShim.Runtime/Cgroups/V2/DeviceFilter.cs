using CriShim.Native;

namespace CriShim.Runtime.Cgroups.V2;

/// <summary>
/// Compiles device rules into a <c>BPF_PROG_TYPE_CGROUP_DEVICE</c> program, as runc's devicefilter does:
/// the first rule that matches the request allows it (returns 1); a request no rule matches is denied (0).
/// Pure, so it is unit-tested.
/// </summary>
public static class DeviceFilter
{
    // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }: R1 points at it on entry.
    private const short AccessTypeOffset = 0, MajorOffset = 4, MinorOffset = 8;
    private const byte R0 = 0, R1 = 1, Type = 2, Access = 3, Major = 4, Minor = 5;

    // access_type: low 16 bits the device type, high 16 bits the access (linux/bpf.h BPF_DEVCG_*).
    private const int DevBlock = 1, DevChar = 2;
    private const int AccessMknod = 1, AccessRead = 2, AccessWrite = 4;

    public static IReadOnlyList<BpfInstruction> Compile(IReadOnlyList<DeviceRule> rules)
    {
        var program = new List<BpfInstruction>
        {
            BpfInstruction.LoadWord(Type, R1, AccessTypeOffset),
            BpfInstruction.AndImmediate32(Type, 0xFFFF),
            BpfInstruction.LoadWord(Access, R1, AccessTypeOffset),
            BpfInstruction.RightShiftImmediate32(Access, 16),
            BpfInstruction.LoadWord(Major, R1, MajorOffset),
            BpfInstruction.LoadWord(Minor, R1, MinorOffset),
        };
        foreach (var rule in rules)
        {
            program.AddRange(Block(rule));
        }
        program.Add(BpfInstruction.MoveImmediate32(R0, 0));
        program.Add(BpfInstruction.Exit());
        return program;
    }

    /// <summary>The checks of one rule, each jumping to the next rule on mismatch, then "allow".</summary>
    private static List<BpfInstruction> Block(DeviceRule rule)
    {
        var block = new List<BpfInstruction>();
        var jumps = new List<int>();
        void JumpUnless(BpfInstruction jump)
        {
            jumps.Add(block.Count);
            block.Add(jump);
        }

        if (rule.Type != DeviceRuleType.All)
        {
            JumpUnless(BpfInstruction.JumpIfNotEqual(Type, rule.Type == DeviceRuleType.Char ? DevChar : DevBlock, 0));
        }
        var allowed = (rule.CanMknod ? AccessMknod : 0) | (rule.CanRead ? AccessRead : 0) | (rule.CanWrite ? AccessWrite : 0);
        if (allowed != (AccessMknod | AccessRead | AccessWrite))
        {
            // Every requested access must be allowed: (access & allowed) == access, with R1 as scratch.
            block.Add(BpfInstruction.MoveRegister32(R1, Access));
            block.Add(BpfInstruction.AndImmediate32(R1, allowed));
            JumpUnless(BpfInstruction.JumpIfNotEqualRegister(R1, Access, 0));
        }
        if (rule.Major is { } major)
        {
            JumpUnless(BpfInstruction.JumpIfNotEqual(Major, (int)major, 0));
        }
        if (rule.Minor is { } minor)
        {
            JumpUnless(BpfInstruction.JumpIfNotEqual(Minor, (int)minor, 0));
        }
        block.Add(BpfInstruction.MoveImmediate32(R0, 1));
        block.Add(BpfInstruction.Exit());

        // A jump's offset counts the instructions it skips: all the rest of this block.
        foreach (var index in jumps)
        {
            block[index] = block[index] with { Offset = (short)(block.Count - index - 1) };
        }
        return block;
    }
}
