namespace NexOS.Security.Cil;

/// <summary>
/// The value types a hook patch can see. The set is deliberately small: a hook computes a
/// policy number from other numbers. <see cref="Bool"/> occupies an int32 slot on the
/// evaluation stack, as in ECMA-335, and is normalised to 0 or 1 where it enters or leaves.
/// </summary>
public enum CilType : byte
{
    /// <summary>A 32-bit signed integer (ECMA stack type int32).</summary>
    Int32 = 1,

    /// <summary>A 64-bit signed integer (ECMA stack type int64).</summary>
    Int64 = 2,

    /// <summary>A Boolean; int32 on the stack, 0 or 1 at the boundaries.</summary>
    Bool = 3,
}

/// <summary>Helpers for <see cref="CilType"/> that the kernel can use without reflection.</summary>
public static class CilTypes
{
    /// <summary>Whether the value is one of the declared members.</summary>
    public static bool IsValid(CilType type) => type == CilType.Int32 || type == CilType.Int64 || type == CilType.Bool;

    /// <summary>The ECMA-335 spelling of the type ("int32", "int64", "bool").</summary>
    public static string Name(CilType type)
    {
        // Spelled out because the kernel is compiled without the metadata Enum.ToString needs.
        switch (type)
        {
            case CilType.Int32:
                return "int32";
            case CilType.Int64:
                return "int64";
            case CilType.Bool:
                return "bool";
            default:
                return "invalid";
        }
    }

    /// <summary>Whether a value of the type is 64 bits wide on the evaluation stack.</summary>
    public static bool IsWide(CilType type) => type == CilType.Int64;
}
