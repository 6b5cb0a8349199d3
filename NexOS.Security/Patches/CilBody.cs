namespace NexOS.Security.Patches;

/// <summary>One row of a CIL patch's token table: the metadata token the IL uses and what it names.</summary>
public readonly struct CilToken
{
    /// <summary>Creates a token entry.</summary>
    public CilToken(uint token, CilTokenKind kind, string name)
    {
        Token = token;
        Kind = kind;
        Name = name;
    }

    /// <summary>The 32-bit token as it appears in the IL stream.</summary>
    public uint Token { get; }

    /// <summary>Whether the token names a context field or a helper.</summary>
    public CilTokenKind Kind { get; }

    /// <summary>The field or helper name, resolved by the verifier against the hook's contract.</summary>
    public string Name { get; }
}

/// <summary>
/// The code part of a CIL patch: an IL method body plus everything needed to resolve it
/// without metadata tables (the kernel has none). This type only carries the data; checking
/// the IL itself is the CIL verifier's job.
/// </summary>
public sealed class CilBody
{
    private readonly byte[] _code;
    private readonly CilLocalType[] _locals;
    private readonly CilToken[] _tokens;
    private readonly long[] _constants;

    /// <summary>Creates a body. The arrays are kept, not copied; the caller hands them over.</summary>
    public CilBody(byte[] code, int maxStack, CilLocalType[] locals, CilToken[] tokens, long[] constants)
    {
        _code = code;
        MaxStack = maxStack;
        _locals = locals;
        _tokens = tokens;
        _constants = constants;
    }

    /// <summary>The IL bytes.</summary>
    public ReadOnlySpan<byte> Code => _code;

    /// <summary>Declared maximum evaluation stack depth.</summary>
    public int MaxStack { get; }

    /// <summary>Types of the locals, in slot order.</summary>
    public ReadOnlySpan<CilLocalType> Locals => _locals;

    /// <summary>The token table.</summary>
    public ReadOnlySpan<CilToken> Tokens => _tokens;

    /// <summary>64-bit constants the body may load by index through a helper.</summary>
    public ReadOnlySpan<long> Constants => _constants;

    /// <summary>Looks a token up; returns false when the table has no such token.</summary>
    public bool TryFindToken(uint token, out CilToken entry)
    {
        foreach (CilToken t in _tokens)
        {
            if (t.Token == token)
            {
                entry = t;
                return true;
            }
        }

        entry = default;
        return false;
    }
}
