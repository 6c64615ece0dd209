namespace CriShim.Native;

/// <summary>
/// One eBPF instruction as the kernel reads it (<c>struct bpf_insn</c>: u8 code; u8 dst_reg:4, src_reg:4;
/// s16 off; s32 imm), with factories for the few operations a device filter needs.
/// </summary>
public readonly record struct BpfInstruction(byte Code, byte Destination, byte Source, short Offset, int Immediate)
{
    // Opcode = class | operation | source (K: immediate, X: register), from linux/bpf_common.h and linux/bpf.h.
    private const byte ClassLoadX = 0x01, ClassAlu = 0x04, ClassJump = 0x05;
    private const byte MemoryMode = 0x60, SizeWord = 0x00;
    private const byte And = 0x50, RightShift = 0x70, Move = 0xb0;
    private const byte NotEqual = 0x50, ExitCall = 0x90;
    private const byte FromImmediate = 0x00, FromRegister = 0x08;

    /// <summary>dst = *(u32 *)(src + offset), zero-extended.</summary>
    public static BpfInstruction LoadWord(byte destination, byte source, short offset) =>
        new(ClassLoadX | MemoryMode | SizeWord, destination, source, offset, 0);

    /// <summary>dst = (u32)dst &amp; immediate.</summary>
    public static BpfInstruction AndImmediate32(byte destination, int immediate) =>
        new(ClassAlu | And | FromImmediate, destination, 0, 0, immediate);

    /// <summary>dst = (u32)dst &gt;&gt; immediate.</summary>
    public static BpfInstruction RightShiftImmediate32(byte destination, int immediate) =>
        new(ClassAlu | RightShift | FromImmediate, destination, 0, 0, immediate);

    /// <summary>dst = (u32)src.</summary>
    public static BpfInstruction MoveRegister32(byte destination, byte source) =>
        new(ClassAlu | Move | FromRegister, destination, source, 0, 0);

    /// <summary>dst = (u32)immediate.</summary>
    public static BpfInstruction MoveImmediate32(byte destination, int immediate) =>
        new(ClassAlu | Move | FromImmediate, destination, 0, 0, immediate);

    /// <summary>if (dst != immediate) skip <paramref name="skip"/> instructions.</summary>
    public static BpfInstruction JumpIfNotEqual(byte destination, int immediate, short skip) =>
        new(ClassJump | NotEqual | FromImmediate, destination, 0, skip, immediate);

    /// <summary>if (dst != src) skip <paramref name="skip"/> instructions.</summary>
    public static BpfInstruction JumpIfNotEqualRegister(byte destination, byte source, short skip) =>
        new(ClassJump | NotEqual | FromRegister, destination, source, skip, 0);

    /// <summary>Returns R0.</summary>
    public static BpfInstruction Exit() => new(ClassJump | ExitCall, 0, 0, 0, 0);

    /// <summary>The 8 bytes of <c>struct bpf_insn</c> as one little-endian word.</summary>
    public ulong Encode() =>
        Code | (ulong)(Destination & 0xf) << 8 | (ulong)(Source & 0xf) << 12 | (ulong)(ushort)Offset << 16 | (ulong)(uint)Immediate << 32;
}
