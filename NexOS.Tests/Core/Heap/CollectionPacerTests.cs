using NexOS.Core.Heap;

namespace NexOS.Tests.Core.Heap;

[TestFixture]
public sealed class CollectionPacerTests
{
    private const ulong Budget = 4 << 20;
    private const ulong Ms = 1_000_000;

    [Test]
    public void NothingStartsBeforeTheBudgetIsSpent()
    {
        var pacer = new CollectionPacer { MarginNs = 4 * Ms };
        Assert.That(pacer.ShouldStart(Budget - 1, Budget, ulong.MaxValue), Is.False);
        Assert.That(pacer.Waited, Is.Zero);
    }

    [Test]
    public void WithoutRealTimeThreadsACollectionStartsWhenDue()
    {
        var pacer = new CollectionPacer { MarginNs = 4 * Ms };
        pacer.RecordPause(50 * Ms);
        Assert.That(pacer.ShouldStart(Budget, Budget, ulong.MaxValue), Is.True);
        Assert.That(pacer.Waited, Is.Zero);
        Assert.That(pacer.Forced, Is.Zero);
    }

    [Test]
    public void WaitsForSlackCoveringThePauseAndTheMargin()
    {
        var pacer = new CollectionPacer { MarginNs = 4 * Ms };
        pacer.RecordPause(2 * Ms);
        Assert.That(pacer.ShouldStart(Budget, Budget, (6 * Ms) - 1), Is.False);
        Assert.That(pacer.ShouldStart(Budget + 4096, Budget, 5 * Ms), Is.False);
        Assert.That(pacer.Waited, Is.EqualTo(1), "one collection waited, however often it asked");
        Assert.That(pacer.ShouldStart(Budget + 8192, Budget, 6 * Ms), Is.True);
        Assert.That(pacer.LongestWaitBytes, Is.EqualTo(8192));
        Assert.That(pacer.Forced, Is.Zero);

        pacer.RecordPause(1 * Ms);
        Assert.That(pacer.ShouldStart(Budget, Budget, 0), Is.False);
        Assert.That(pacer.Waited, Is.EqualTo(2), "the next collection's wait counts anew");
    }

    [Test]
    public void ASecondBudgetDropsTheMarginAndAThirdForcesTheStart()
    {
        var pacer = new CollectionPacer { MarginNs = 4 * Ms };
        pacer.RecordPause(2 * Ms);
        Assert.That(pacer.ShouldStart((2 * Budget) - 1, Budget, 3 * Ms), Is.False);
        Assert.That(pacer.ShouldStart(2 * Budget, Budget, (2 * Ms) - 1), Is.False, "the pause itself must still fit");
        Assert.That(pacer.ShouldStart(2 * Budget, Budget, 2 * Ms), Is.True);
        Assert.That(pacer.WithoutMargin, Is.EqualTo(1));
        Assert.That(pacer.Forced, Is.Zero);

        pacer.RecordPause(2 * Ms);
        Assert.That(pacer.ShouldStart((3 * Budget) - 1, Budget, 0), Is.False);
        Assert.That(pacer.ShouldStart(3 * Budget, Budget, 0), Is.True, "memory stays bounded");
        Assert.That(pacer.Forced, Is.EqualTo(1));
        Assert.That(pacer.LongestWaitBytes, Is.EqualTo(2 * Budget));
        Assert.That(pacer.Waited, Is.EqualTo(2));
    }

    [Test]
    public void EnormousAllocationCountsNeverWrap()
    {
        var pacer = new CollectionPacer { MarginNs = 4 * Ms };
        pacer.RecordPause(ulong.MaxValue);
        Assert.That(pacer.ShouldStart(ulong.MaxValue, 1, 0), Is.True);
        Assert.That(pacer.Forced, Is.EqualTo(1));
        Assert.That(pacer.ShouldStart(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue), Is.True);
    }

    [Test]
    public void TheExpectedPauseFollowsTheLongestRecentPauseAndDecays()
    {
        var pacer = new CollectionPacer();
        pacer.RecordPause(8 * Ms);
        Assert.That(pacer.ExpectedPauseNs, Is.EqualTo(8 * Ms));
        pacer.RecordPause(1 * Ms);
        Assert.That(pacer.ExpectedPauseNs, Is.EqualTo(7 * Ms));
        for (int i = 0; i < 40; i++)
        {
            pacer.RecordPause(1 * Ms);
        }

        Assert.That(pacer.ExpectedPauseNs, Is.EqualTo(1 * Ms), "decays to the pauses actually seen");
        pacer.RecordPause(3 * Ms);
        Assert.That(pacer.ExpectedPauseNs, Is.EqualTo(3 * Ms), "a longer pause counts at once");
    }

    [Test]
    public void HugeMarginNeverWrapsIntoAStart()
    {
        var pacer = new CollectionPacer { MarginNs = ulong.MaxValue };
        pacer.RecordPause(5);
        Assert.That(pacer.ShouldStart(Budget, Budget, ulong.MaxValue - 1), Is.False);
        Assert.That(pacer.ShouldStart(Budget, Budget, ulong.MaxValue), Is.True);
    }

    [Test]
    public void DecidingAllocatesNothing()
    {
        var pacer = new CollectionPacer { MarginNs = 4 * Ms };
        pacer.ShouldStart(Budget, Budget, 0);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                pacer.ShouldStart(Budget + (ulong)i, Budget, (ulong)i * 1000);
                pacer.RecordPause((ulong)i);
            }
        });
        Assert.That(allocated, Is.Zero);
    }
}
