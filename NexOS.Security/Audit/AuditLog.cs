using NexOS.Security.Crypto;

namespace NexOS.Security.Audit;

/// <summary>
/// An audit trail read back from its export (see <see cref="AuditImport"/>), for checking on
/// the host. Contract: <see cref="Verify"/> applies exactly the chain rule the kernel applies
/// and, in addition, checks the closing line against the last record, so that records cut
/// off the end are noticed as long as the closing line (or a head hash published elsewhere)
/// is kept. A cut at either end that also rewrites every unhashed field to match (first,
/// anchor, count, head) is exactly the export of a trail that held fewer records, so no check
/// of the text alone can see it; only a head hash and first sequence number kept elsewhere can.
/// </summary>
public sealed class AuditLog
{
    private readonly byte[] _anchor;
    private readonly byte[] _head;
    private readonly List<AuditRecord> _records;

    internal AuditLog(ulong firstSequence, byte[] anchor, List<AuditRecord> records, bool hasFooter, ulong footerCount, byte[] head)
    {
        FirstSequence = firstSequence;
        _anchor = anchor;
        _records = records;
        HasFooter = hasFooter;
        FooterCount = footerCount;
        _head = head;
    }

    /// <summary>Sequence number the header says the first record has.</summary>
    public ulong FirstSequence { get; }

    /// <summary>The anchor from the header.</summary>
    public ReadOnlySpan<byte> Anchor => _anchor;

    /// <summary>The records in file order.</summary>
    public IReadOnlyList<AuditRecord> Records => _records;

    /// <summary>True when the export ended with its closing line.</summary>
    public bool HasFooter { get; }

    /// <summary>Record count from the closing line.</summary>
    public ulong FooterCount { get; }

    /// <summary>Head hash from the closing line.</summary>
    public ReadOnlySpan<byte> Head => _head;

    /// <summary>Checks that the anchor fits the first sequence number, walks the chain from the
    /// anchor, then checks the closing line.</summary>
    public AuditVerifyResult Verify()
    {
        AuditVerifyResult anchor = AuditChain.CheckAnchor(FirstSequence, _anchor);
        if (!anchor.IsIntact)
        {
            return anchor;
        }

        ReadOnlySpan<byte> expectedPrev = _anchor;
        ulong sequence = FirstSequence;
        foreach (AuditRecord record in _records)
        {
            AuditVerifyResult result = AuditChain.CheckRecord(record, sequence, expectedPrev);
            if (!result.IsIntact)
            {
                return result;
            }

            expectedPrev = record.Hash;
            sequence++;
        }

        if (!HasFooter)
        {
            return new AuditVerifyResult(AuditBreak.HeadMismatch, sequence, $"the closing line is missing: records from {sequence} on may have been cut off");
        }

        if (FooterCount != (ulong)_records.Count || !CryptoBytes.FixedTimeEquals(expectedPrev, _head))
        {
            return new AuditVerifyResult(AuditBreak.HeadMismatch, sequence, $"the closing line names {FooterCount} records and a head hash that do not match the {_records.Count} records present");
        }

        return default;
    }
}
