using System.Linq;
using NexOS.Security.Audit;
using static NexOS.Tests.Security.Audit.AuditKit;

namespace NexOS.Tests.Security.Audit;

/// <summary>
/// Records cut off either end of an export, with the unhashed lines left alone or re-pointed
/// field by field, and sequence numbers that skip or repeat inside a chain whose hashes were
/// all recomputed. The trail is the wrapped one of <see cref="AuditHeaderFooterTests"/>
/// (records 5 to 12) unless a test says otherwise.
/// </summary>
[TestFixture]
public sealed class AuditTruncationTests
{
    [Test]
    public void CuttingTheNewestRecordsIsDetectedUnlessTheWholeClosingLineIsRewritten()
    {
        string[] lines = Lines(AuditTrailTests.Filled(8, 12));
        List<string> records = Records(lines);
        string[] kept = [lines[0], .. records.Take(7)];

        AuditVerifyResult result = Verify([.. kept, lines[^1]]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, 12UL)));

        result = Verify([.. kept, WithField(lines[^1], "count", "7")]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, 12UL)), "count re-pointed, head kept");

        result = Verify([.. kept, WithField(lines[^1], "head", Field(records[6], "hash"))]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, 12UL)), "head re-pointed, count kept");

        result = Verify(kept);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, 12UL)), "closing line dropped too");
    }

    [Test]
    public void CuttingTheOldestRecordIsDetectedUnlessTheWholeHeaderIsRewritten()
    {
        string[] lines = Lines(AuditTrailTests.Filled(8, 12));
        List<string> records = Records(lines);
        string[] rest = [.. records.Skip(1)];
        string footer = WithField(lines[^1], "count", "7");
        string anchored = WithField(lines[0], "anchor", Field(records[0], "hash"));

        AuditVerifyResult result = Verify([lines[0], .. rest, footer]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.LinkBroken, 5UL)), "header kept");

        // The anchor re-pointed to the dropped record's hash: only the sequence numbers show it.
        result = Verify([anchored, .. rest, footer]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.SequenceGap, 5UL)), "anchor and count re-pointed");
        Assert.That(result.Message, Is.EqualTo("record 5: found sequence number 6"));

        result = Verify([anchored, .. rest, lines[^1]]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.SequenceGap, 5UL)), "anchor re-pointed");

        result = Verify([WithField(lines[0], "first", "6"), .. rest, footer]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.LinkBroken, 6UL)), "first and count re-pointed");
    }

    [Test]
    public void CuttingRecordOneIsDetectedUnlessTheWholeHeaderIsRewritten()
    {
        string[] lines = Lines(AuditTrailTests.Filled(16, 6));
        List<string> records = Records(lines);
        string footer = WithField(lines[^1], "count", "5");

        AuditVerifyResult result = Verify([WithField(lines[0], "anchor", Field(records[0], "hash")), .. records.Skip(1), footer]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.AnchorMismatch, 1UL)), "anchor and count re-pointed");

        result = Verify([lines[0], .. records.Skip(1), footer]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.LinkBroken, 1UL)), "header kept");
    }

    [Test]
    public void ATruncationThatRewritesEveryUnhashedFieldIsAGenuineExportOfAnotherTrail()
    {
        // What no check of the file alone can catch, by design: the result is byte for byte the
        // export of a trail that held fewer records. A copy of the head and first record kept
        // elsewhere (`audit verify` prints both) is what tells them apart.
        AuditTrail trail = AuditTrailTests.Filled(8, 12);
        string[] lines = Lines(trail);
        List<string> records = Records(lines);

        string header = WithField(WithField(lines[0], "first", "6"), "anchor", Field(records[0], "hash"));
        string front = Join([header, .. records.Skip(1), WithField(lines[^1], "count", "7")]);
        Assert.That(front, Is.EqualTo(AuditExport.ToText(AuditTrailTests.Filled(7, 12))));
        AuditLog log = Import(front);
        Assert.That(log.Verify().IsIntact, Is.True);
        Assert.That(log.FirstSequence, Is.Not.EqualTo(trail.FirstSequence), "the kept first record shows the cut");

        string footer = WithField(WithField(lines[^1], "count", "5"), "head", Field(records[4], "hash"));
        string back = Join([lines[0], .. records.Take(5), footer]);
        Assert.That(back, Is.EqualTo(AuditExport.ToText(AuditTrailTests.Filled(5, 9))));
        log = Import(back);
        Assert.That(log.Verify().IsIntact, Is.True);
        Assert.That(log.Head.ToArray(), Is.Not.EqualTo(trail.Head.ToArray()), "the kept head shows the cut");
    }

    [Test]
    public void TheForgerReproducesAnUntouchedChain()
    {
        string[] lines = Lines(AuditTrailTests.Filled(8, 12));
        Assert.That(Rechain(Records(lines), Field(lines[0], "anchor")), Is.EqualTo(Records(lines)));
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(7)]
    public void ASequenceGapInARechainedTrailIsDetectedWhereItStarts(int at)
    {
        string[] lines = Lines(AuditTrailTests.Filled(8, 12));
        List<string> records = Records(lines);
        for (int i = at; i < records.Count; i++)
        {
            records[i] = WithField(records[i], "seq", (6 + i).ToString());
        }

        AuditVerifyResult result = Verify(Forged(lines, records));
        ulong sequence = 5 + (ulong)at;
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.SequenceGap, sequence)), result.Message);
        Assert.That(result.Message, Is.EqualTo($"record {sequence}: found sequence number {sequence + 1}"));
    }

    [Test]
    public void ARecordDeletedOrRepeatedInARechainedTrailLeavesASequenceGap()
    {
        string[] lines = Lines(AuditTrailTests.Filled(8, 12));
        List<string> records = Records(lines);

        List<string> deleted = [.. records];
        deleted.RemoveAt(3);
        AuditVerifyResult result = Verify(Forged(lines, deleted));
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.SequenceGap, 8UL)));
        Assert.That(result.Message, Is.EqualTo("record 8: found sequence number 9"));

        List<string> repeated = [.. records];
        repeated.Insert(4, records[3]);
        result = Verify(Forged(lines, repeated));
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.SequenceGap, 9UL)));
        Assert.That(result.Message, Is.EqualTo("record 9: found sequence number 8"));
    }

    // The export with its records replaced by the re-chained ones and the closing line
    // re-pointed at them, so that the hash, link and closing-line checks all pass.
    private static string[] Forged(string[] lines, List<string> records)
    {
        List<string> chained = Rechain(records, Field(lines[0], "anchor"));
        string footer = WithField(lines[^1], "head", Field(chained[^1], "hash"));
        if (Field(footer, "count") != chained.Count.ToString())
        {
            footer = WithField(footer, "count", chained.Count.ToString());
        }

        return [lines[0], .. chained, footer];
    }
}
