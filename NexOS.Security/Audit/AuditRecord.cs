using System.Text;
using System.Text.Unicode;
using NexOS.Security.Crypto;

namespace NexOS.Security.Audit;

/// <summary>
/// One entry of the audit trail. Records live in preallocated slots of fixed size (actor and
/// detail have byte limits) so that appending never allocates; a slot is reused when the ring
/// wraps, so a record read from an <see cref="AuditTrail"/> is only stable until then.
/// Text longer than its limit is cut at a character boundary, never refused: an audit event
/// must not be lost because its description was long.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>Longest actor in UTF-8 bytes.</summary>
    public const int MaxActorBytes = 64;

    /// <summary>Longest detail in UTF-8 bytes.</summary>
    public const int MaxDetailBytes = 256;

    private readonly byte[] _actor = new byte[MaxActorBytes];
    private readonly byte[] _detail = new byte[MaxDetailBytes];
    private readonly byte[] _prevHash = new byte[Sha256.HashSize];
    private readonly byte[] _hash = new byte[Sha256.HashSize];
    private int _actorLength;
    private int _detailLength;

    /// <summary>Sequence number; the first record ever appended has 1.</summary>
    public ulong Sequence { get; private set; }

    /// <summary>Time of the event in nanoseconds.</summary>
    public ulong TimeNs { get; private set; }

    /// <summary>What happened.</summary>
    public AuditEventKind Kind { get; private set; }

    /// <summary>The patch concerned, or 0.</summary>
    public ulong PatchId { get; private set; }

    /// <summary>Who acted (engine model, person, "kernel"), UTF-8.</summary>
    public ReadOnlySpan<byte> ActorUtf8 => _actor.AsSpan(0, _actorLength);

    /// <summary>Free text, UTF-8.</summary>
    public ReadOnlySpan<byte> DetailUtf8 => _detail.AsSpan(0, _detailLength);

    /// <summary>The actor as a string (allocates).</summary>
    public string Actor => Encoding.UTF8.GetString(ActorUtf8);

    /// <summary>The detail as a string (allocates).</summary>
    public string Detail => Encoding.UTF8.GetString(DetailUtf8);

    /// <summary>Hash of the previous record (or the anchor).</summary>
    public ReadOnlySpan<byte> PrevHash => _prevHash;

    /// <summary>SHA-256(previous hash || canonical encoding of this record).</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>Fills the slot's fields; the hashes are left for the caller to set.</summary>
    internal void Fill(ulong sequence, ulong timeNs, AuditEventKind kind, ulong patchId, ReadOnlySpan<char> actor, ReadOnlySpan<char> detail)
    {
        Sequence = sequence;
        TimeNs = timeNs;
        Kind = kind;
        PatchId = patchId;
        _actorLength = EncodeCut(actor, _actor);
        _detailLength = EncodeCut(detail, _detail);
    }

    /// <summary>Fills the fields from already-encoded UTF-8 text (the importer's path); refuses
    /// text over the limits instead of cutting it, since cutting could hide a change.</summary>
    internal bool TryFillUtf8(ulong sequence, ulong timeNs, AuditEventKind kind, ulong patchId, ReadOnlySpan<byte> actor, ReadOnlySpan<byte> detail)
    {
        if (actor.Length > MaxActorBytes || detail.Length > MaxDetailBytes)
        {
            return false;
        }

        Sequence = sequence;
        TimeNs = timeNs;
        Kind = kind;
        PatchId = patchId;
        actor.CopyTo(_actor);
        detail.CopyTo(_detail);
        _actorLength = actor.Length;
        _detailLength = detail.Length;
        return true;
    }

    /// <summary>Changes the time field without resealing (see <see cref="AuditTrail.Tamper"/>).</summary>
    internal void Corrupt() => TimeNs ^= 1;

    /// <summary>Overwrites the previous hash.</summary>
    internal void SetPrevHash(ReadOnlySpan<byte> prevHash) => prevHash.CopyTo(_prevHash);

    /// <summary>Overwrites the stored hash.</summary>
    internal void SetHash(ReadOnlySpan<byte> hash) => hash.CopyTo(_hash);

    /// <summary>Sets the stored hash to the one computed from the fields and the previous hash.</summary>
    internal void Seal() => AuditChain.ComputeHash(this, _hash);

    // Converts as many whole characters as fit; invalid UTF-16 (a lone surrogate) becomes
    // U+FFFD, so the stored bytes are always valid UTF-8 and survive export and import.
    private static int EncodeCut(ReadOnlySpan<char> text, Span<byte> destination)
    {
        Utf8.FromUtf16(text, destination, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
        return written;
    }
}
