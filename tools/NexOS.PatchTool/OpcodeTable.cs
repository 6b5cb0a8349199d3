using System.Reflection;
using System.Reflection.Emit;

namespace NexOS.PatchTool;

/// <summary>
/// Every ECMA-335 opcode's name and operand shape, taken from the framework's
/// <see cref="OpCodes"/> table, so the translator can walk any method body instruction by
/// instruction (including the instructions it then refuses).
/// </summary>
internal static class OpcodeTable
{
    private static readonly Dictionary<ushort, OpCode> s_byValue = Build();

    /// <summary>The opcode at <paramref name="offset"/>, or false when the bytes are not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> il, int offset, out OpCode opcode, out int operandOffset)
    {
        opcode = default;
        operandOffset = offset;
        if ((uint)offset >= (uint)il.Length)
        {
            return false;
        }

        ushort value = il[offset];
        operandOffset = offset + 1;
        if (value == 0xFE)
        {
            if (offset + 1 >= il.Length)
            {
                return false;
            }

            value = (ushort)(0xFE00 | il[offset + 1]);
            operandOffset = offset + 2;
        }

        return s_byValue.TryGetValue(value, out opcode);
    }

    /// <summary>The operand's length in bytes; for <c>switch</c> it depends on the count that follows.</summary>
    public static int OperandLength(OpCode opcode, ReadOnlySpan<byte> il, int operandOffset) => opcode.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => operandOffset + 4 <= il.Length
            ? (int)Math.Min(int.MaxValue, 4 + (4L * BitConverter.ToUInt32(il.Slice(operandOffset, 4)))) : 4,
        _ => 4,
    };

    /// <summary>Whether the operand is a metadata token.</summary>
    public static bool HasToken(OpCode opcode) => opcode.OperandType is OperandType.InlineField or OperandType.InlineMethod
        or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineString or OperandType.InlineSig;

    private static Dictionary<ushort, OpCode> Build()
    {
        var table = new Dictionary<ushort, OpCode>();
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is OpCode opcode)
            {
                table[(ushort)opcode.Value] = opcode;
            }
        }

        return table;
    }
}
