namespace NexOS.Security.Cil;

/// <summary>What a metadata token in a patch's IL stream stands for.</summary>
public enum CilTokenKind : byte
{
    /// <summary>A field of the hook's context; <see cref="CilTokenTarget.Index"/> is the field index.</summary>
    ContextField = 1,

    /// <summary>A whitelisted helper; <see cref="CilTokenTarget.Index"/> is its <see cref="CilHelperId"/>.</summary>
    Helper = 2,
}

/// <summary>The resolved meaning of one token.</summary>
public readonly struct CilTokenTarget
{
    /// <summary>Creates a target.</summary>
    public CilTokenTarget(CilTokenKind kind, int index)
    {
        Kind = kind;
        Index = index;
    }

    /// <summary>Whether the token names a context field or a helper.</summary>
    public CilTokenKind Kind { get; }

    /// <summary>The context field index or the helper id.</summary>
    public int Index { get; }
}

/// <summary>
/// A patch's resolved tokens. A patch carries its own tiny token table instead of metadata:
/// each entry maps the 32-bit token written in the IL stream (conventionally 0x0A000001,
/// 0x0A000002, ... as for MemberRefs) to a name, and the name is resolved here against one
/// <see cref="HookSignature"/>: first as a context field, then as a helper's canonical name.
/// A table is bound to the signature it was built for; verification checks that.
/// </summary>
public sealed class CilTokenTable
{
    /// <summary>The first token <see cref="TryBuild"/> assigns.</summary>
    public const uint FirstToken = 0x0A000001;

    /// <summary>The most entries a table holds.</summary>
    public const int MaxEntries = 256;

    private readonly Dictionary<uint, CilTokenTarget> _entries = new();

    /// <summary>Creates an empty table for a signature.</summary>
    public CilTokenTable(HookSignature signature)
    {
        Signature = signature;
    }

    /// <summary>The signature names were resolved against.</summary>
    public HookSignature Signature { get; }

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Builds a table that gives names[i] the token <see cref="FirstToken"/> + i. Returns null
    /// and an error naming the first bad entry when a name does not resolve.
    /// </summary>
    public static CilTokenTable? TryBuild(HookSignature signature, IReadOnlyList<string> names, out string? error)
    {
        var table = new CilTokenTable(signature);
        for (int i = 0; i < names.Count; i++)
        {
            error = table.TryAdd(FirstToken + (uint)i, names[i]);
            if (error != null)
            {
                return null;
            }
        }

        error = null;
        return table;
    }

    /// <summary>
    /// Adds a token for a name; returns an error (and changes nothing) for an unknown name,
    /// a token already present, the null token or a full table.
    /// </summary>
    public string? TryAdd(uint token, string name)
    {
        if (token == 0)
        {
            return "token 0x00000000 is the null token";
        }

        if (_entries.ContainsKey(token))
        {
            return $"token 0x{token:X8} is defined twice";
        }

        if (_entries.Count >= MaxEntries)
        {
            return $"more than {MaxEntries} tokens";
        }

        int field = Signature.FindField(name);
        if (field >= 0)
        {
            _entries.Add(token, new CilTokenTarget(CilTokenKind.ContextField, field));
            return null;
        }

        CilHelper? helper = CilHelper.Find(name);
        if (helper != null)
        {
            _entries.Add(token, new CilTokenTarget(CilTokenKind.Helper, (int)helper.Id));
            return null;
        }

        return $"token 0x{token:X8}: '{name}' is neither a context field of hook {Signature.Name} nor a whitelisted helper";
    }

    /// <summary>Looks a token up.</summary>
    public bool TryResolve(uint token, out CilTokenTarget target) => _entries.TryGetValue(token, out target);
}
