namespace NexOS.Security.Cil;

/// <summary>
/// One named, typed, read-only field of a hook's context. A patch reads it with
/// <c>ldarg.0; ldfld T</c>, where token T resolves to the field's index in
/// <see cref="HookSignature.ContextFields"/>.
/// </summary>
public readonly struct ContextField
{
    /// <summary>Creates a field description.</summary>
    public ContextField(string name, CilType type)
    {
        Name = name;
        Type = type;
    }

    /// <summary>The name a patch uses to refer to the field.</summary>
    public string Name { get; }

    /// <summary>The field's type.</summary>
    public CilType Type { get; }

    /// <inheritdoc />
    public override string ToString() => CilTypes.Name(Type) + " " + Name;
}
