namespace NexOS.Security.Patches;

/// <summary>What a patch changes. The numeric values are the byte stored in the format.</summary>
public enum PatchKind : byte
{
    /// <summary>New values for named tunables of one parameter set.</summary>
    Parameter = 1,

    /// <summary>A small CIL method body that replaces one policy hook.</summary>
    Cil = 2,
}

/// <summary>Who made a patch. The numeric values are the byte stored in the format.</summary>
public enum PatchOrigin : byte
{
    /// <summary>The in-kernel AI engine; the source string names its model.</summary>
    Engine = 1,

    /// <summary>A person or outside tool; the source string names them. Such patches are
    /// trusted only when signed with a key the kernel knows (see the security policy).</summary>
    External = 2,
}

/// <summary>What a metadata token in a CIL patch refers to.</summary>
public enum CilTokenKind : byte
{
    /// <summary>A field of the hook's context structure, read by name.</summary>
    ContextField = 1,

    /// <summary>A kernel helper function callable from patched code.</summary>
    Helper = 2,
}

/// <summary>Type of a local variable of a CIL patch body.</summary>
public enum CilLocalType : byte
{
    /// <summary>A 32-bit signed integer.</summary>
    Int32 = 1,

    /// <summary>A 64-bit signed integer.</summary>
    Int64 = 2,
}

/// <summary>
/// Spells enum values. The kernel is compiled without reflection metadata, where
/// Enum.ToString would print numbers, so every name used in messages and logs is spelled here.
/// </summary>
public static class PatchNames
{
    /// <summary>The name of a patch kind, or "unknown".</summary>
    public static string Name(PatchKind kind) => kind switch
    {
        PatchKind.Parameter => "Parameter",
        PatchKind.Cil => "Cil",
        _ => "unknown",
    };

    /// <summary>The name of a patch origin, or "unknown".</summary>
    public static string Name(PatchOrigin origin) => origin switch
    {
        PatchOrigin.Engine => "Engine",
        PatchOrigin.External => "External",
        _ => "unknown",
    };

    /// <summary>The name of a token kind, or "unknown".</summary>
    public static string Name(CilTokenKind kind) => kind switch
    {
        CilTokenKind.ContextField => "ContextField",
        CilTokenKind.Helper => "Helper",
        _ => "unknown",
    };

    /// <summary>The name of a local type, or "unknown".</summary>
    public static string Name(CilLocalType type) => type switch
    {
        CilLocalType.Int32 => "Int32",
        CilLocalType.Int64 => "Int64",
        _ => "unknown",
    };
}
