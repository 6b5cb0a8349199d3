using NexOS.Core.Scheduling;

namespace NexOS.Tests.Core.Scheduling;

/// <summary>The adaptive policy's escape from strict priority: a thread that waited
/// starvation_ns runs next even when higher levels stay busy.</summary>
[TestFixture]
public sealed class AgingTests
{
    private const ulong Ms = 1_000_000;

    [Test]
    public void ALowThreadThatWaitedTooLongRunsBeforeBusyHighThreads()
    {
        var policy = new AdaptivePolicy();
        var low = new SchedThread(1, "low", SchedClass.Normal, 10) { RunnableSinceNs = 0 };
        var high = new SchedThread(2, "high", SchedClass.Normal, 20) { RunnableSinceNs = 0 };
        policy.Add(low, null, 0);
        ulong now = 0;
        for (int round = 0; round < 1000; round++)
        {
            now += Ms;
            high.RunnableSinceNs = now;
            policy.Add(high, null, now);
            SchedThread? next = policy.PickNext(now);
            if (next == low)
            {
                Assert.That(now, Is.GreaterThanOrEqualTo(250 * Ms), "not before the limit");
                Assert.That(now, Is.LessThanOrEqualTo(252 * Ms), "within a round of the limit");
                return;
            }

            Assert.That(next, Is.SameAs(high));
        }

        Assert.Fail("the low-priority thread starved");
    }

    [Test]
    public void ManyStarvedThreadsDoNotStarveTheTopLevel()
    {
        var policy = new AdaptivePolicy();
        var top = new SchedThread(1, "top", SchedClass.Normal, 24);
        var starved = new List<SchedThread>();
        for (int i = 0; i < 10; i++)
        {
            var t = new SchedThread(10 + i, "low" + i, SchedClass.Normal, 8) { RunnableSinceNs = 0 };
            starved.Add(t);
            policy.Add(t, null, 0);
        }

        ulong now = 300 * Ms;
        int topRuns = 0;
        for (int round = 0; round < 40; round++)
        {
            top.RunnableSinceNs = now;
            policy.Add(top, null, now);
            SchedThread? next = policy.PickNext(now);
            Assert.That(next, Is.Not.Null);
            if (next == top)
            {
                topRuns++;
            }
            else
            {
                next!.RunnableSinceNs = now;
                policy.Remove(top);
                policy.Add(next, null, now); // it ran and is runnable again
            }

            now += Ms;
        }

        Assert.That(topRuns, Is.GreaterThan(0), "the top thread kept getting turns");
    }

    [Test]
    public void BelowTheLimitStrictPriorityHolds()
    {
        var policy = new AdaptivePolicy();
        Assert.That(policy.Parameters.TrySet("starvation_ns", (long)(50 * Ms)), Is.Null);
        var low = new SchedThread(1, "low", SchedClass.Normal, 10) { RunnableSinceNs = 0 };
        var high = new SchedThread(2, "high", SchedClass.Normal, 20) { RunnableSinceNs = 40 * Ms };
        policy.Add(low, null, 0);
        policy.Add(high, null, 40 * Ms);
        Assert.That(policy.PickNext(49 * Ms), Is.SameAs(high));
        Assert.That(policy.PickNext(49 * Ms), Is.SameAs(low));
        Assert.That(policy.Parameters.TrySet("starvation_ns", 1), Is.Not.Null, "below the range");
    }
}
