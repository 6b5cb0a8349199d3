using System.Buffers.Binary;

namespace NexOS.Security.Cil;

/// <summary>The shape of an opcode's inline operand (ECMA-335 Partition III, 1.2 and the opcode table).</summary>
internal enum CilOperandKind : byte
{
    None,
    UInt8,
    UInt16,
    Int8,
    Int32,
    Int64,
    Float32,
    Float64,
    Token,
    ShortBranch,
    LongBranch,
    Switch,
}

/// <summary>Why an instruction could not be decoded.</summary>
internal enum CilDecodeStatus : byte
{
    Ok,
    Truncated,
    UnknownOpcode,
}

/// <summary>
/// One decoded instruction. <see cref="Opcode"/> is the byte for one-byte opcodes and
/// 0xFE00 | second byte for two-byte ones. <see cref="Operand"/> holds the inline operand
/// sign- or zero-extended as the opcode defines it; for a branch it is the target offset
/// (which may lie outside the body), for <c>switch</c> the number of targets.
/// </summary>
internal readonly struct CilInstruction
{
    public CilInstruction(int offset, int length, ushort opcode, CilOperandKind kind, long operand)
    {
        Offset = offset;
        Length = length;
        Opcode = opcode;
        Kind = kind;
        Operand = operand;
    }

    public int Offset { get; }

    public int Length { get; }

    public ushort Opcode { get; }

    public CilOperandKind Kind { get; }

    public long Operand { get; }

    public int Next => Offset + Length;
}

/// <summary>
/// Decodes ECMA-335 instructions from a byte span. Knows the operand size of every defined
/// opcode so that it can walk and name anything, including what the verifier then refuses.
/// Never throws: every read is bounds-checked against the span first.
/// </summary>
internal static class CilDecoder
{
    /// <summary>Reads the switch target at <paramref name="index"/> of a decoded switch.</summary>
    public static long SwitchTarget(ReadOnlySpan<byte> body, in CilInstruction ins, int index)
    {
        int at = ins.Offset + 5 + (4 * index);
        return (long)ins.Next + BinaryPrimitives.ReadInt32LittleEndian(body.Slice(at, 4));
    }

    /// <summary>Decodes the instruction at <paramref name="offset"/>.</summary>
    public static CilDecodeStatus TryDecode(ReadOnlySpan<byte> body, int offset, out CilInstruction instruction)
    {
        instruction = default;
        if (offset < 0 || offset >= body.Length)
        {
            return CilDecodeStatus.Truncated;
        }

        ushort opcode = body[offset];
        int opcodeSize = 1;
        CilOperandKind kind;
        if (opcode == 0xFE)
        {
            if (offset + 1 >= body.Length)
            {
                return CilDecodeStatus.Truncated;
            }

            byte second = body[offset + 1];
            if (CilOpcodeNames.TwoByte(second) == null)
            {
                return CilDecodeStatus.UnknownOpcode;
            }

            opcode = (ushort)(0xFE00 | second);
            opcodeSize = 2;
            kind = TwoByteOperand(second);
        }
        else
        {
            if (CilOpcodeNames.OneByte((byte)opcode) == null)
            {
                return CilDecodeStatus.UnknownOpcode;
            }

            kind = OneByteOperand((byte)opcode);
        }

        int start = offset + opcodeSize;
        int remaining = body.Length - start;
        int size = OperandSize(kind);
        if (remaining < size)
        {
            return CilDecodeStatus.Truncated;
        }

        ReadOnlySpan<byte> operandBytes = body.Slice(start, size);
        long operand = 0;
        int length = opcodeSize + size;
        switch (kind)
        {
            case CilOperandKind.UInt8:
                operand = operandBytes[0];
                break;
            case CilOperandKind.Int8:
                operand = (sbyte)operandBytes[0];
                break;
            case CilOperandKind.ShortBranch:
                operand = (long)offset + length + (sbyte)operandBytes[0];
                break;
            case CilOperandKind.UInt16:
                operand = BinaryPrimitives.ReadUInt16LittleEndian(operandBytes);
                break;
            case CilOperandKind.Int32:
                operand = BinaryPrimitives.ReadInt32LittleEndian(operandBytes);
                break;
            case CilOperandKind.LongBranch:
                operand = (long)offset + length + BinaryPrimitives.ReadInt32LittleEndian(operandBytes);
                break;
            case CilOperandKind.Token:
                operand = BinaryPrimitives.ReadUInt32LittleEndian(operandBytes);
                break;
            case CilOperandKind.Int64:
            case CilOperandKind.Float64:
                operand = BinaryPrimitives.ReadInt64LittleEndian(operandBytes);
                break;
            case CilOperandKind.Float32:
                operand = BinaryPrimitives.ReadInt32LittleEndian(operandBytes);
                break;
            case CilOperandKind.Switch:
                uint count = BinaryPrimitives.ReadUInt32LittleEndian(operandBytes);

                // The table is count 4-byte targets; compare in 64 bits so a huge count cannot wrap.
                if ((long)count * 4 > remaining - 4)
                {
                    return CilDecodeStatus.Truncated;
                }

                operand = count;
                length += (int)count * 4;
                break;
        }

        instruction = new CilInstruction(offset, length, opcode, kind, operand);
        return CilDecodeStatus.Ok;
    }

    private static int OperandSize(CilOperandKind kind)
    {
        switch (kind)
        {
            case CilOperandKind.UInt8:
            case CilOperandKind.Int8:
            case CilOperandKind.ShortBranch:
                return 1;
            case CilOperandKind.UInt16:
                return 2;
            case CilOperandKind.Int32:
            case CilOperandKind.Float32:
            case CilOperandKind.Token:
            case CilOperandKind.LongBranch:
            case CilOperandKind.Switch:
                return 4;
            case CilOperandKind.Int64:
            case CilOperandKind.Float64:
                return 8;
            default:
                return 0;
        }
    }

    private static CilOperandKind OneByteOperand(byte code)
    {
        if (code >= 0x0E && code <= 0x13)
        {
            return CilOperandKind.UInt8;
        }

        if ((code >= 0x2B && code <= 0x37) || code == 0xDE)
        {
            return CilOperandKind.ShortBranch;
        }

        if ((code >= 0x38 && code <= 0x44) || code == 0xDD)
        {
            return CilOperandKind.LongBranch;
        }

        switch (code)
        {
            case 0x1F:
                return CilOperandKind.Int8;
            case 0x20:
                return CilOperandKind.Int32;
            case 0x21:
                return CilOperandKind.Int64;
            case 0x22:
                return CilOperandKind.Float32;
            case 0x23:
                return CilOperandKind.Float64;
            case 0x45:
                return CilOperandKind.Switch;
            case 0x27: case 0x28: case 0x29:
            case 0x6F: case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75:
            case 0x79: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F: case 0x80: case 0x81:
            case 0x8C: case 0x8D: case 0x8F: case 0xA3: case 0xA4: case 0xA5:
            case 0xC2: case 0xC6: case 0xD0:
                return CilOperandKind.Token;
            default:
                return CilOperandKind.None;
        }
    }

    private static CilOperandKind TwoByteOperand(byte second)
    {
        switch (second)
        {
            case 0x06: case 0x07: case 0x15: case 0x16: case 0x1C:
                return CilOperandKind.Token;
            case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x0E:
                return CilOperandKind.UInt16;
            case 0x12: case 0x19:
                return CilOperandKind.UInt8;
            default:
                return CilOperandKind.None;
        }
    }
}
