using NexOS.Security.Audit;
using static NexOS.Tests.Security.Audit.AuditKit;

namespace NexOS.Tests.Security.Audit;

/// <summary>
/// Every field of the export's header and closing line, neither of which is hashed, changed
/// one at a time on three shapes of trail: one that never wrapped (16, 6: records 1 to 6 after
/// the zero anchor), one that wrapped (8, 12: records 5 to 12 after record 4's hash) and an
/// empty one (4, 0). Each change must get its own verdict at the right sequence number.
/// </summary>
[TestFixture]
public sealed class AuditHeaderFooterTests
{
    [TestCase(16, 6, "2")]
    [TestCase(8, 12, "0")]
    [TestCase(4, 0, "10")]
    public void AnotherFormatVersionIsRefusedAtTheHeader(int capacity, int events, string version)
    {
        string[] lines = Lines(AuditTrailTests.Filled(capacity, events));
        lines[0] = lines[0].Replace("\"nexos_audit\":1,", $"\"nexos_audit\":{version},");
        Assert.That(AuditImport.TryParse(Join(lines), out AuditLog? log, out string error), Is.False);
        Assert.That((log, error), Is.EqualTo(((AuditLog?)null, "line 1: not a line of an audit export")));
    }

    [TestCase(16, 6, 2UL, AuditBreak.AnchorMismatch)]
    [TestCase(16, 6, 0UL, AuditBreak.AnchorMismatch)]
    [TestCase(8, 12, 6UL, AuditBreak.SequenceGap)]
    [TestCase(8, 12, 4UL, AuditBreak.SequenceGap)]
    [TestCase(8, 12, ulong.MaxValue, AuditBreak.SequenceGap)]
    [TestCase(8, 12, 1UL, AuditBreak.AnchorMismatch)]
    [TestCase(4, 0, 2UL, AuditBreak.AnchorMismatch)]
    [TestCase(4, 0, 0UL, AuditBreak.AnchorMismatch)]
    public void EditingTheFirstSequenceNumberIsDetected(int capacity, int events, ulong first, AuditBreak reason)
    {
        AuditTrail trail = AuditTrailTests.Filled(capacity, events);
        string[] lines = Lines(trail);
        lines[0] = WithField(lines[0], "first", first.ToString());
        AuditVerifyResult result = Verify(lines);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((reason, first)), result.Message);
        if (reason == AuditBreak.SequenceGap)
        {
            Assert.That(result.Message, Is.EqualTo($"record {first}: found sequence number {trail.FirstSequence}"));
        }
    }

    [Test]
    public void EditingTheAnchorIsDetected()
    {
        string[] unwrapped = Lines(AuditTrailTests.Filled(16, 6));
        unwrapped[0] = WithField(unwrapped[0], "anchor", Flipped(ZeroHash));
        AuditVerifyResult result = Verify(unwrapped);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.AnchorMismatch, 1UL)));
        Assert.That(result.Message, Is.EqualTo("the anchor is a dropped record's hash, but the first record is 1, which follows an all-zero anchor"));

        string[] wrapped = Lines(AuditTrailTests.Filled(8, 12));
        string[] flipped = (string[])wrapped.Clone();
        flipped[0] = WithField(flipped[0], "anchor", Flipped(Field(flipped[0], "anchor")));
        result = Verify(flipped);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.LinkBroken, 5UL)));
        Assert.That(result.Message, Is.EqualTo("record 5: the previous hash does not match the record before it"));

        wrapped[0] = WithField(wrapped[0], "anchor", ZeroHash);
        result = Verify(wrapped);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.AnchorMismatch, 5UL)));
        Assert.That(result.Message, Is.EqualTo("the anchor is all zeros, which only record 1 follows, but the first record is 5"));
    }

    [Test]
    public void AnEmptyTrailStillBindsItsHeaderAndClosingLine()
    {
        string[] lines = Lines(new AuditTrail(4));
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(Verify(lines).IsIntact, Is.True);

        // The anchor and head changed together still agree with each other; only the rule that
        // record 1 follows the zero anchor catches them.
        string forged = Flipped(ZeroHash);
        string[] both = { WithField(lines[0], "anchor", forged), WithField(lines[1], "head", forged) };
        AuditVerifyResult result = Verify(both);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.AnchorMismatch, 1UL)));

        result = Verify(new[] { lines[0], WithField(lines[1], "head", forged) });
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, 1UL)));
        result = Verify(new[] { lines[0], WithField(lines[1], "count", "1") });
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, 1UL)));
        Assert.That(result.Message, Is.EqualTo("the closing line names 1 records and a head hash that do not match the 0 records present"));
    }

    [TestCase(16, 6, 7UL)]
    [TestCase(16, 6, 5UL)]
    [TestCase(8, 12, 0UL)]
    [TestCase(8, 12, 9UL)]
    [TestCase(8, 12, ulong.MaxValue)]
    public void EditingTheRecordCountIsDetected(int capacity, int events, ulong count)
    {
        AuditTrail trail = AuditTrailTests.Filled(capacity, events);
        string[] lines = Lines(trail);
        lines[^1] = WithField(lines[^1], "count", count.ToString());
        AuditVerifyResult result = Verify(lines);
        ulong end = trail.FirstSequence + (ulong)trail.Count;
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, end)));
        Assert.That(result.Message, Is.EqualTo($"the closing line names {count} records and a head hash that do not match the {trail.Count} records present"));
    }

    [TestCase(16, 6)]
    [TestCase(8, 12)]
    public void EditingTheHeadIsDetected(int capacity, int events)
    {
        AuditTrail trail = AuditTrailTests.Filled(capacity, events);
        string[] lines = Lines(trail);
        ulong end = trail.FirstSequence + (ulong)trail.Count;
        string[] heads =
        {
            Flipped(Field(lines[^1], "head")),
            Field(lines[0], "anchor"),
            Field(lines[^3], "hash"),
            ZeroHash,
        };
        foreach (string head in heads)
        {
            string[] copy = (string[])lines.Clone();
            copy[^1] = WithField(copy[^1], "head", head);
            AuditVerifyResult result = Verify(copy);
            Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, end)), head);
        }
    }

    [TestCase(16, 6)]
    [TestCase(8, 12)]
    [TestCase(4, 0)]
    public void AMissingOrRepeatedHeaderOrClosingLineIsDetected(int capacity, int events)
    {
        AuditTrail trail = AuditTrailTests.Filled(capacity, events);
        string[] lines = Lines(trail);
        ulong end = trail.FirstSequence + (ulong)trail.Count;

        AuditVerifyResult result = Verify(lines[..^1]);
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, end)));
        Assert.That(result.Message, Is.EqualTo($"the closing line is missing: records from {end} on may have been cut off"));

        string[][] malformed =
        {
            lines[1..],
            [lines[0], .. lines],
            [.. lines, lines[^1]],
            [.. lines, lines[0]],
        };
        foreach (string[] text in malformed)
        {
            Assert.That(AuditImport.TryParse(Join(text), out _, out string error), Is.False, Join(text));
            Assert.That(error, Does.Match("^line [0-9]+: not a line of an audit export$"));
        }
    }
}
