namespace NexOS.Security.Cil;

/// <summary>
/// What a hook looks like to a patch. Argument 0 is always the context, an implicit read-only
/// structure whose fields are <see cref="ContextFields"/>; it can only be consumed by
/// <c>ldfld</c> (or discarded). Arguments 1..n are <see cref="ArgumentTypes"/>[0..n-1]. The
/// body returns one value of <see cref="ReturnType"/>. Instances are immutable; construction
/// throws on a malformed description because signatures are written by kernel code, not by
/// the engine that writes patches.
/// </summary>
public sealed class HookSignature
{
    /// <summary>The most explicit arguments a hook may take (argument 0, the context, excluded).</summary>
    public const int MaxArguments = 8;

    /// <summary>The most context fields a hook may expose.</summary>
    public const int MaxContextFields = 64;

    private readonly CilType[] _arguments;
    private readonly ContextField[] _fields;

    // Read-only wrappers, so that a caller cannot cast the lists back to arrays and change a
    // signature that hooks have already been verified against.
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<CilType> _argumentView;
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<ContextField> _fieldView;

    /// <summary>Creates a signature; field names must be unique and non-empty.</summary>
    public HookSignature(string name, CilType returnType, IReadOnlyList<CilType> argumentTypes, IReadOnlyList<ContextField> contextFields)
    {
        if (!CilTypes.IsValid(returnType))
        {
            throw new ArgumentOutOfRangeException(nameof(returnType), $"hook {name}: invalid return type");
        }

        if (argumentTypes.Count > MaxArguments || contextFields.Count > MaxContextFields)
        {
            throw new ArgumentException($"hook {name}: too many arguments or context fields");
        }

        _arguments = new CilType[argumentTypes.Count];
        for (int i = 0; i < _arguments.Length; i++)
        {
            if (!CilTypes.IsValid(argumentTypes[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(argumentTypes), $"hook {name}: argument {i + 1} has an invalid type");
            }

            _arguments[i] = argumentTypes[i];
        }

        _fields = new ContextField[contextFields.Count];
        for (int i = 0; i < _fields.Length; i++)
        {
            ContextField field = contextFields[i];
            if (string.IsNullOrEmpty(field.Name) || !CilTypes.IsValid(field.Type) || FindField(field.Name) >= 0)
            {
                throw new ArgumentException($"hook {name}: context field {i} is unnamed, duplicate or badly typed");
            }

            _fields[i] = field;
        }

        _argumentView = Array.AsReadOnly(_arguments);
        _fieldView = Array.AsReadOnly(_fields);
        Name = name;
        ReturnType = returnType;
    }

    /// <summary>The hook's name, e.g. "sched.time_slice".</summary>
    public string Name { get; }

    /// <summary>The type of the single value the body returns.</summary>
    public CilType ReturnType { get; }

    /// <summary>The explicit arguments, reached with ldarg 1..n.</summary>
    public IReadOnlyList<CilType> ArgumentTypes => _argumentView;

    /// <summary>The context's fields in order, reached with ldarg.0; ldfld.</summary>
    public IReadOnlyList<ContextField> ContextFields => _fieldView;

    /// <summary>The number of context fields.</summary>
    public int ContextFieldCount => _fields.Length;

    /// <summary>The number of explicit arguments (argument 0, the context, excluded).</summary>
    public int ArgumentCount => _arguments.Length;

    /// <summary>The number of ldarg indices, counting the context as argument 0.</summary>
    public int TotalArgumentCount => _arguments.Length + 1;

    /// <summary>The type of explicit argument <paramref name="index"/> (0-based, so ldarg index - 1), without an interface call.</summary>
    internal CilType ArgumentType(int index) => _arguments[index];

    /// <summary>The type of context field <paramref name="index"/>.</summary>
    internal CilType FieldType(int index) => _fields[index].Type;

    /// <summary>The index of the named context field, or -1.</summary>
    public int FindField(string name)
    {
        for (int i = 0; i < _fields.Length; i++)
        {
            if (_fields[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
