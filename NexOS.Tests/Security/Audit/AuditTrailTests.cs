using NexOS.Security.Audit;

namespace NexOS.Tests.Security.Audit;

[TestFixture]
public sealed class AuditTrailTests
{
    internal static AuditTrail Filled(int capacity, int events)
    {
        var trail = new AuditTrail(capacity);
        for (int i = 0; i < events; i++)
        {
            var kind = (AuditEventKind)(1 + (i % 9));
            trail.Append((ulong)(1000 * i), kind, (ulong)(i / 3), i % 2 == 0 ? "nexos-tuner-v3" : "Zoë \"ops\"\n", $"event {i}: timeslice 4 ms → 3 ms\t\\done");
        }

        return trail;
    }

    [Test]
    public void AppendedRecordsAreNumberedAndChained()
    {
        AuditTrail trail = Filled(16, 5);
        Assert.That(trail.Count, Is.EqualTo(5));
        Assert.That(trail.FirstSequence, Is.EqualTo(1UL));
        Assert.That(trail.Anchor.ToArray(), Is.All.Zero);
        for (int i = 0; i < 5; i++)
        {
            Assert.That(trail.RecordAt(i).Sequence, Is.EqualTo((ulong)(i + 1)));
            if (i > 0)
            {
                Assert.That(trail.RecordAt(i).PrevHash.ToArray(), Is.EqualTo(trail.RecordAt(i - 1).Hash.ToArray()));
            }
        }

        Assert.That(trail.Head.ToArray(), Is.EqualTo(trail.RecordAt(4).Hash.ToArray()));
        Assert.That(trail.RecordAt(1).Actor, Is.EqualTo("Zoë \"ops\"\n"));
        Assert.That(trail.RecordAt(1).Kind, Is.EqualTo(AuditEventKind.Verified));
        Assert.That(trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void WrappingKeepsTheRetainedChainVerifiableFromTheAnchor()
    {
        AuditTrail trail = Filled(8, 8);
        byte[] hashOfThird = trail.RecordAt(2).Hash.ToArray();
        for (int i = 8; i < 11; i++)
        {
            trail.Append((ulong)i, AuditEventKind.Learned, 0, "engine", "more");
        }

        Assert.That(trail.Count, Is.EqualTo(8));
        Assert.That(trail.FirstSequence, Is.EqualTo(4UL));
        Assert.That(trail.Anchor.ToArray(), Is.EqualTo(hashOfThird));
        Assert.That(trail.RecordAt(0).Sequence, Is.EqualTo(4UL));
        Assert.That(trail.Verify().IsIntact, Is.True);

        for (int i = 0; i < 1000; i++)
        {
            trail.Append((ulong)i, AuditEventKind.Applied, (ulong)i, "a", "b");
        }

        Assert.That(trail.Verify().IsIntact, Is.True);
        Assert.That(trail.FirstSequence, Is.EqualTo(1011UL - 8 + 1));
    }

    [Test]
    public void LongTextIsCutAtACharacterBoundaryAndStillVerifies()
    {
        var trail = new AuditTrail(2);
        trail.Append(1, AuditEventKind.Proposed, 1, new string('é', 100), new string('x', 1000));
        AuditRecord record = trail.RecordAt(0);
        Assert.That(record.ActorUtf8.Length, Is.EqualTo(AuditRecord.MaxActorBytes));
        Assert.That(record.Actor, Is.EqualTo(new string('é', 32)));
        Assert.That(record.DetailUtf8.Length, Is.EqualTo(AuditRecord.MaxDetailBytes));
        Assert.That(trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void AppendingDoesNotAllocate()
    {
        var trail = new AuditTrail(4);
        trail.Append(0, AuditEventKind.Applied, 1, "engine", "warm up");
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                trail.Append((ulong)i, AuditEventKind.Applied, 1, "engine", "timeslice_ns 4000000 -> 3000000");
            }
        });
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void EventKindNamesRoundTrip()
    {
        for (byte v = 1; v <= 9; v++)
        {
            string name = AuditNames.Name((AuditEventKind)v);
            Assert.That(name, Is.Not.EqualTo("unknown"));
            Assert.That(AuditNames.TryParse(name, out AuditEventKind back), Is.True);
            Assert.That((byte)back, Is.EqualTo(v));
        }

        Assert.That(AuditNames.Name((AuditEventKind)0), Is.EqualTo("unknown"));
        Assert.That(AuditNames.TryParse("applied", out _), Is.False);
    }
}
