namespace NexOS.Security.Patches;

/// <summary>
/// A decoded patch: kind, target, payload (parameter changes or a CIL body) and provenance.
/// Objects built by callers are checked by <see cref="PatchWriter"/>; objects returned by
/// <see cref="PatchReader"/> are within every limit and carry the verified content hash and,
/// when present, the (not yet checked) signature block.
/// </summary>
public sealed class Patch
{
    private static readonly ParameterChange[] s_noChanges = new ParameterChange[0];
    private readonly ParameterChange[] _parameters;
    private readonly byte[] _hash;

    private Patch(PatchKind kind, string target, ParameterChange[] parameters, CilBody? cil, PatchProvenance provenance, byte[] hash, PatchSignature? signature)
    {
        Kind = kind;
        Target = target;
        _parameters = parameters;
        Cil = cil;
        Provenance = provenance;
        _hash = hash;
        Signature = signature;
    }

    /// <summary>Parameter or CIL.</summary>
    public PatchKind Kind { get; }

    /// <summary>The parameter set name (parameter patches) or hook name (CIL patches).</summary>
    public string Target { get; }

    /// <summary>The changes of a parameter patch; empty for CIL patches.</summary>
    public ReadOnlySpan<ParameterChange> Parameters => _parameters;

    /// <summary>The body of a CIL patch; null for parameter patches.</summary>
    public CilBody? Cil { get; }

    /// <summary>Who made the patch and why.</summary>
    public PatchProvenance Provenance { get; }

    /// <summary>The SHA-256 of the encoded content; empty for patches not read from bytes.</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>The signature block, or null when the patch is unsigned.</summary>
    public PatchSignature? Signature { get; }

    /// <summary>Makes a parameter patch (unencoded, so without hash or signature).</summary>
    public static Patch ForParameters(string parameterSet, ParameterChange[] changes, PatchProvenance provenance)
        => new(PatchKind.Parameter, parameterSet, changes, null, provenance, new byte[0], null);

    /// <summary>Makes a CIL patch (unencoded, so without hash or signature).</summary>
    public static Patch ForCil(string hook, CilBody body, PatchProvenance provenance)
        => new(PatchKind.Cil, hook, s_noChanges, body, provenance, new byte[0], null);

    /// <summary>Used by the reader: a patch with its verified hash and optional signature.</summary>
    internal static Patch Decoded(PatchKind kind, string target, ParameterChange[]? changes, CilBody? body, PatchProvenance provenance, byte[] hash, PatchSignature? signature)
        => new(kind, target, changes ?? s_noChanges, body, provenance, hash, signature);
}
