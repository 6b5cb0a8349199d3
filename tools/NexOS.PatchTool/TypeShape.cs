namespace NexOS.PatchTool;

/// <summary>The few things the translator needs to know about a type in a signature.</summary>
public enum TypeShapeKind
{
    /// <summary>int (System.Int32).</summary>
    Int32,

    /// <summary>long (System.Int64).</summary>
    Int64,

    /// <summary>bool.</summary>
    Bool,

    /// <summary>void.</summary>
    Void,

    /// <summary>A named value type (a struct), e.g. a context struct.</summary>
    ValueType,

    /// <summary>A managed reference (ref, in, out) to <see cref="TypeShape.Element"/>.</summary>
    ByRef,

    /// <summary>Anything else (classes, arrays, pointers, floating point, generics ...).</summary>
    Other,
}

/// <summary>
/// A decoded signature type: its kind, a display name (cut to a readable length), for a by-ref
/// what it refers to, for a named type who defines it, and the custom modifiers written in front
/// of it (C# puts <c>modreq(InAttribute)</c> before an <c>in</c> parameter). Nothing here is
/// matched by display name: bindings compare <see cref="Identity"/>.
/// </summary>
public sealed record TypeShape(TypeShapeKind Kind, string Name, TypeShape? Element = null, TypeIdentity? Identity = null)
{
    /// <summary>The custom modifiers in front of this type, outermost first; empty for most types.</summary>
    public IReadOnlyList<TypeIdentity> Modifiers { get; init; } = Array.Empty<TypeIdentity>();

    /// <summary>Whether the type carries no custom modifier.</summary>
    public bool IsPlain => Modifiers.Count == 0;

    /// <summary>The ECMA-ish spelling used in messages ("int32", "SchedContext&amp;", "float64").</summary>
    public override string ToString() => IsPlain ? Name : $"{Name} modified by {Modifiers[0]}";
}
