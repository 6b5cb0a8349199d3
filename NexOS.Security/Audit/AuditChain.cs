using System.Buffers.Binary;
using NexOS.Security.Crypto;

namespace NexOS.Security.Audit;

/// <summary>Why a chain check failed.</summary>
public enum AuditBreak : byte
{
    /// <summary>The chain is intact.</summary>
    None = 0,

    /// <summary>A record's fields do not hash to its stored hash: it was changed.</summary>
    ContentChanged,

    /// <summary>A record's previous hash is not the hash of the record before it (or the
    /// anchor): a record was removed, inserted or reordered, or the prev field changed.</summary>
    LinkBroken,

    /// <summary>A record's sequence number is not one more than the one before it.</summary>
    SequenceGap,

    /// <summary>The export's closing line does not match the last record: records were cut off.</summary>
    HeadMismatch,

    /// <summary>The anchor does not fit the first sequence number: only a chain that starts at
    /// record 1 has the all-zero anchor, and every other anchor is the hash of a dropped record.</summary>
    AnchorMismatch,
}

/// <summary>The outcome of walking a chain: intact, or the first sequence position that
/// cannot be vouched for and why.</summary>
public readonly struct AuditVerifyResult
{
    private readonly string? _message;

    /// <summary>Creates a result.</summary>
    public AuditVerifyResult(AuditBreak reason, ulong brokenSequence, string message)
    {
        Reason = reason;
        BrokenSequence = brokenSequence;
        _message = message;
    }

    /// <summary>True when the whole chain checked out.</summary>
    public bool IsIntact => Reason == AuditBreak.None;

    /// <summary>Why the chain broke.</summary>
    public AuditBreak Reason { get; }

    /// <summary>The sequence number expected at the first bad position (0 when intact).</summary>
    public ulong BrokenSequence { get; }

    /// <summary>A sentence for people.</summary>
    public string Message => _message ?? "the chain is intact";
}

/// <summary>
/// The hash chain rule shared by the in-kernel ring and the host-side importer. A record's
/// canonical encoding is: sequence u64, time u64, kind u8, patch id u64, actor (u16 length +
/// UTF-8), detail (u16 length + UTF-8), all little-endian; its hash is
/// SHA-256(previous hash || encoding). Walking checks first that the anchor fits the first
/// sequence number (<see cref="CheckAnchor"/>), then, per record and in this order, the hash,
/// the link to the previous hash and the sequence number, and stops at the first failure.
/// </summary>
public static class AuditChain
{
    private const int MaxEncodedBytes = 8 + 8 + 1 + 8 + 2 + AuditRecord.MaxActorBytes + 2 + AuditRecord.MaxDetailBytes;

    /// <summary>Computes the hash a record should have from its fields and its previous hash.</summary>
    public static void ComputeHash(AuditRecord record, Span<byte> hash)
    {
        Span<byte> encoding = stackalloc byte[MaxEncodedBytes];
        int length = Encode(record, encoding);
        Span<byte> block = stackalloc byte[Sha256.BlockSize];
        var sha = new Sha256(block);
        sha.Append(record.PrevHash);
        sha.Append(encoding.Slice(0, length));
        sha.Finish(hash);
    }

    /// <summary>
    /// Checks that <paramref name="anchor"/> can precede record <paramref name="firstSequence"/>:
    /// the very first record (1) follows 32 zero bytes, and any later one the hash of the record
    /// dropped before it, which is never all zeros. Without this rule the first sequence number
    /// of a trail with no records, and a zero anchor changed together with the head, would go
    /// unchecked. Allocates only on failure.
    /// </summary>
    public static AuditVerifyResult CheckAnchor(ulong firstSequence, ReadOnlySpan<byte> anchor)
    {
        bool zero = !anchor.ContainsAnyExcept((byte)0);
        if (zero == (firstSequence == 1))
        {
            return default;
        }

        string message = zero
            ? $"the anchor is all zeros, which only record 1 follows, but the first record is {firstSequence}"
            : "the anchor is a dropped record's hash, but the first record is 1, which follows an all-zero anchor";
        return new AuditVerifyResult(AuditBreak.AnchorMismatch, firstSequence, message);
    }

    /// <summary>Checks one record against the expected sequence and previous hash. Returns an
    /// intact result or the reason this record breaks the chain. Allocates only on failure.</summary>
    public static AuditVerifyResult CheckRecord(AuditRecord record, ulong expectedSequence, ReadOnlySpan<byte> expectedPrevHash)
    {
        Span<byte> computed = stackalloc byte[Sha256.HashSize];
        ComputeHash(record, computed);
        if (!CryptoBytes.FixedTimeEquals(computed, record.Hash))
        {
            return new AuditVerifyResult(AuditBreak.ContentChanged, expectedSequence, $"record {expectedSequence}: the fields do not match the record's hash");
        }

        if (!CryptoBytes.FixedTimeEquals(expectedPrevHash, record.PrevHash))
        {
            return new AuditVerifyResult(AuditBreak.LinkBroken, expectedSequence, $"record {expectedSequence}: the previous hash does not match the record before it");
        }

        if (record.Sequence != expectedSequence)
        {
            return new AuditVerifyResult(AuditBreak.SequenceGap, expectedSequence, $"record {expectedSequence}: found sequence number {record.Sequence}");
        }

        return default;
    }

    private static int Encode(AuditRecord record, Span<byte> output)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(output, record.Sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(output.Slice(8), record.TimeNs);
        output[16] = (byte)record.Kind;
        BinaryPrimitives.WriteUInt64LittleEndian(output.Slice(17), record.PatchId);
        int at = 25;
        at = PutText(output, at, record.ActorUtf8);
        return PutText(output, at, record.DetailUtf8);
    }

    private static int PutText(Span<byte> output, int at, ReadOnlySpan<byte> text)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(output.Slice(at), (ushort)text.Length);
        text.CopyTo(output.Slice(at + 2));
        return at + 2 + text.Length;
    }
}
