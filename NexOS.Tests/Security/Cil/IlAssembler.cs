using System.Buffers.Binary;

namespace NexOS.Tests.Security.Cil;

/// <summary>A position in the code being assembled, resolved when the body is finished.</summary>
internal readonly record struct IlLabel(int Id);

/// <summary>
/// A tiny IL assembler for tests: appends opcodes and operands, and patches branch and switch
/// targets to labels when <see cref="ToArray"/> is called. It encodes exactly what it is told
/// (short or long branch forms are the caller's choice), so tests can also write bad IL.
/// </summary>
internal sealed class IlAssembler
{
    private readonly List<byte> _bytes = new();
    private readonly List<int> _labels = new();
    private readonly List<(int At, int Base, IlLabel Label, bool Short)> _fixups = new();

    /// <summary>The current offset.</summary>
    public int Offset => _bytes.Count;

    public IlAssembler Op(byte opcode)
    {
        _bytes.Add(opcode);
        return this;
    }

    public IlAssembler Op2(byte second)
    {
        _bytes.Add(Il.Prefix);
        _bytes.Add(second);
        return this;
    }

    public IlAssembler Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public IlAssembler Op(byte opcode, int operand) => Op(opcode).Int32(operand);

    public IlAssembler OpU8(byte opcode, byte operand) => Op(opcode).Raw(operand);

    public IlAssembler Op2U16(byte second, ushort operand)
    {
        Op2(second);
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, operand);
        return Raw(b.ToArray());
    }

    public IlAssembler Int32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return Raw(b.ToArray());
    }

    /// <summary>Pushes an int32 constant in the shortest encoding.</summary>
    public IlAssembler LdcI4(int value)
    {
        if (value >= -1 && value <= 8)
        {
            return Op((byte)(Il.LdcI40 + value));
        }

        return value >= sbyte.MinValue && value <= sbyte.MaxValue ? OpU8(Il.LdcI4S, (byte)(sbyte)value) : Op(Il.LdcI4, value);
    }

    public IlAssembler LdcI8(long value)
    {
        Op(Il.LdcI8);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        return Raw(b.ToArray());
    }

    public IlAssembler Ldarg(int index) => index <= 3 ? Op((byte)(Il.Ldarg0 + index)) : OpU8(Il.LdargS, (byte)index);

    public IlAssembler Ldloc(int index) => index <= 3 ? Op((byte)(Il.Ldloc0 + index)) : OpU8(Il.LdlocS, (byte)index);

    public IlAssembler Stloc(int index) => index <= 3 ? Op((byte)(Il.Stloc0 + index)) : OpU8(Il.StlocS, (byte)index);

    /// <summary>ldarg.0; ldfld token.</summary>
    public IlAssembler Field(uint token) => Op(Il.Ldarg0).Op(Il.Ldfld, (int)token);

    public IlAssembler Call(uint token) => Op(Il.Call, (int)token);

    public IlLabel Label()
    {
        _labels.Add(-1);
        return new IlLabel(_labels.Count - 1);
    }

    public IlAssembler Mark(IlLabel label)
    {
        _labels[label.Id] = Offset;
        return this;
    }

    /// <summary>Emits a branch; the opcode's form (short or long) decides the operand size.</summary>
    public IlAssembler Branch(byte opcode, IlLabel target)
    {
        bool isShort = opcode >= Il.BrS && opcode <= Il.BltUnS || opcode == Il.LeaveS;
        Op(opcode);
        int at = Offset;
        Raw(new byte[isShort ? 1 : 4]);
        _fixups.Add((at, Offset, target, isShort));
        return this;
    }

    public IlAssembler Switch(params IlLabel[] targets)
    {
        Op(Il.Switch, targets.Length);
        int baseOffset = Offset + (4 * targets.Length);
        foreach (IlLabel target in targets)
        {
            int at = Offset;
            Raw(new byte[4]);
            _fixups.Add((at, baseOffset, target, false));
        }

        return this;
    }

    public byte[] ToArray()
    {
        byte[] code = _bytes.ToArray();
        foreach ((int at, int baseOffset, IlLabel label, bool isShort) in _fixups)
        {
            int delta = _labels[label.Id] - baseOffset;
            if (isShort)
            {
                if (delta < sbyte.MinValue || delta > sbyte.MaxValue)
                {
                    throw new InvalidOperationException($"short branch at {at} cannot reach label {label.Id}");
                }

                code[at] = (byte)(sbyte)delta;
            }
            else
            {
                BinaryPrimitives.WriteInt32LittleEndian(code.AsSpan(at), delta);
            }
        }

        return code;
    }
}
