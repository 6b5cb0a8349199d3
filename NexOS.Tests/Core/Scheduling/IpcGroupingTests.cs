using NexOS.Core.Scheduling;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class IpcGroupingTests
{
    private const ulong Ms = 1_000_000;

    [Test]
    public void RepeatedWakesBuildAScoreThatSaturates()
    {
        var table = new IpcPartnerTable(16, 100 * Ms);
        for (int i = 0; i < 3; i++)
        {
            table.RecordWake(1, 2, 0);
        }

        Assert.That(table.Score(1, 2, 0), Is.EqualTo(3));
        Assert.That(table.PartnerOf(1), Is.EqualTo(2));
        for (int i = 0; i < 1000; i++)
        {
            table.RecordWake(1, 2, 0);
        }

        Assert.That(table.Score(1, 2, 0), Is.EqualTo(IpcPartnerTable.MaxScore));
        Assert.That(table.Score(2, 1, 0), Is.Zero, "direction matters: 2 never woke 1");
    }

    [Test]
    public void ScoresHalveEveryHalfLifeAndVanish()
    {
        var table = new IpcPartnerTable(16, 100 * Ms);
        for (int i = 0; i < 40; i++)
        {
            table.RecordWake(3, 4, 0);
        }

        Assert.That(table.Score(3, 4, 100 * Ms), Is.EqualTo(20));
        Assert.That(table.Score(3, 4, 250 * Ms), Is.EqualTo(10));
        Assert.That(table.Score(3, 4, 10_000 * Ms), Is.Zero);
        table.RecordWake(3, 4, 200 * Ms);
        Assert.That(table.Score(3, 4, 200 * Ms), Is.EqualTo(11), "decayed to 10, then one more wake");
    }

    [Test]
    public void AnotherPartnerWearsTheOldOneDownBeforeReplacingIt()
    {
        var table = new IpcPartnerTable(16, 100 * Ms);
        for (int i = 0; i < 3; i++)
        {
            table.RecordWake(5, 6, 0);
        }

        table.RecordWake(5, 7, 0);
        table.RecordWake(5, 7, 0);
        Assert.That(table.PartnerOf(5), Is.EqualTo(6));
        Assert.That(table.Score(5, 6, 0), Is.EqualTo(1));
        table.RecordWake(5, 7, 0);
        table.RecordWake(5, 7, 0);
        Assert.That(table.PartnerOf(5), Is.EqualTo(7));
        Assert.That(table.Score(5, 7, 0), Is.EqualTo(1));
    }

    [Test]
    public void HostileIdsAndClocksAreIgnoredWithoutHarm()
    {
        var table = new IpcPartnerTable(0, 0);
        Assert.That(table.Capacity, Is.EqualTo(2));
        table.RecordWake(-1, 2, 0);
        table.RecordWake(2, -5, 0);
        table.RecordWake(9, 9, 0);
        Assert.That(table.Ignored, Is.EqualTo(3));
        Assert.That(table.Recorded, Is.Zero);
        Assert.That(table.Score(-1, -1, 0), Is.Zero);
        Assert.That(table.PartnerOf(-3), Is.EqualTo(-1));
        table.Forget(-3);

        var big = new IpcPartnerTable(16, 10 * Ms);
        big.RecordWake(int.MaxValue, 1, ulong.MaxValue);
        big.RecordWake(int.MaxValue, 1, 5); // the clock went back: no underflow, no decay
        Assert.That(big.Score(int.MaxValue, 1, 5), Is.EqualTo(2));
        Assert.That(big.Score(int.MaxValue, 1, ulong.MaxValue), Is.Zero);
    }

    [Test]
    public void ACollidingNewThreadStartsFromNothing()
    {
        var table = new IpcPartnerTable(16, 100 * Ms);
        for (int i = 0; i < 10; i++)
        {
            table.RecordWake(1, 2, 0);
        }

        table.RecordWake(17, 2, 0); // 17 maps to 1's slot
        Assert.That(table.Score(1, 2, 0), Is.Zero);
        Assert.That(table.Score(17, 2, 0), Is.EqualTo(1));
        table.Forget(1); // not the owner any more: no effect
        Assert.That(table.Score(17, 2, 0), Is.EqualTo(1));
        table.Forget(17);
        Assert.That(table.PartnerOf(17), Is.EqualTo(-1));
    }

    [Test]
    public void HandOffNeedsAnEstablishedPairABlockingWakerAndTheParameterOn()
    {
        var g = new IpcGrouping(16);
        Assert.That(g.HandOff.Value, Is.EqualTo(1), "on by default (see docs/ai-engine.md)");
        Assert.That(g.HandOff.TrySet(0), Is.Null);
        Assert.That(g.OnWake(3, 4, true, true, 0), Is.False, "off: never a hand-off");
        Assert.That(g.HandOff.TrySet(1), Is.Null);
        for (int i = 1; i < g.MinScore.Value; i++)
        {
            Assert.That(g.OnWake(1, 2, true, true, 0), Is.False, $"wake {i}: not yet a pair");
        }

        Assert.That(g.OnWake(1, 2, true, true, 0), Is.True);
        Assert.That(g.OnWake(1, 2, false, true, 0), Is.False, "the waker keeps running");
        Assert.That(g.OnWake(1, 2, true, false, 0), Is.False, "a real-time thread is involved");
        Assert.That(g.HandOff.TrySet(0), Is.Null);
        Assert.That(g.OnWake(1, 2, true, true, 0), Is.False, "grouping off");
        Assert.That(g.HandOffs, Is.EqualTo(1));
        Assert.That(g.Declined, Is.EqualTo((ulong)g.MinScore.Value + 2));
    }

    [Test]
    public void ParametersAreRangeCheckedAndTheHalfLifeFollowsThem()
    {
        var g = new IpcGrouping(16);
        Assert.That(g.HandOff.TrySet(2), Is.Not.Null);
        Assert.That(g.MinScore.TrySet(0), Is.Not.Null);
        Assert.That(g.MinScore.TrySet(IpcPartnerTable.MaxScore + 1), Is.Not.Null);
        Assert.That(g.HalfLifeMs.TrySet(0), Is.Not.Null);
        Assert.That(g.HalfLifeMs.TrySet(1), Is.Null);
        for (int i = 0; i < 8; i++)
        {
            g.OnWake(1, 2, true, true, 0);
        }

        Assert.That(g.Partners.HalfLifeNs, Is.EqualTo(Ms));
        Assert.That(g.OnWake(1, 2, true, true, 3 * Ms), Is.False, "8 decayed to 1 then one wake: 2 < 4");
    }

    [Test]
    public void TheWakePathDoesNotAllocate()
    {
        var g = new IpcGrouping(64);
        g.OnWake(1, 2, true, true, 0);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                g.OnWake(i % 70, (i + 1) % 70, (i & 1) == 0, true, (ulong)i * 1000);
            }
        });
        Assert.That(allocated, Is.Zero);
    }
}
