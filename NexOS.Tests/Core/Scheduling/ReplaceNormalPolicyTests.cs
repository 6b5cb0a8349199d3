using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class ReplaceNormalPolicyTests
{
    [TestCase(11)]
    [TestCase(12)]
    [TestCase(13)]
    public void EveryRunnableThreadIsKeptExactlyOnce(int seed)
    {
        var random = new Random(seed);
        var scheduler = new MultiClassScheduler(new PriorityRoundRobinPolicy());
        SchedThread rt = RealTime(1000, 1 * Ms, 10 * Ms);
        scheduler.TryAdmit(rt, out _);
        scheduler.Add(rt, null, 0);
        scheduler.Add(Idle(2000), null, 0);

        var queued = new HashSet<int>();
        for (int id = 0; id < 60; id++)
        {
            SchedThread t = Normal(id, random.Next(32));
            if (random.Next(4) != 0)
            {
                scheduler.Add(t, null, 0);
                queued.Add(id);
            }
        }

        ISchedulerPolicy first = scheduler.Normal;
        ISchedulerPolicy old = scheduler.ReplaceNormalPolicy(new AdaptivePolicy(), 5 * Ms);
        Assert.That(old, Is.SameAs(first));
        Assert.That(old.RunnableCount, Is.Zero);
        Assert.That(old.PickNext(5 * Ms), Is.Null);
        Assert.That(scheduler.Normal.RunnableCount, Is.EqualTo(queued.Count));

        // And back again, so both directions are covered.
        scheduler.ReplaceNormalPolicy(new PriorityRoundRobinPolicy(), 6 * Ms);
        Assert.That(scheduler.Normal.RunnableCount, Is.EqualTo(queued.Count));
        Assert.That(scheduler.RunnableCount, Is.EqualTo(queued.Count + 2));

        List<int> picked = DrainIds(scheduler, 6 * Ms);
        Assert.That(picked[0], Is.EqualTo(1000), "the real-time thread was not touched");
        Assert.That(picked[^1], Is.EqualTo(2000), "nor the idle thread");
        List<int> normal = picked.GetRange(1, picked.Count - 2);
        Assert.That(normal, Is.Unique);
        Assert.That(normal, Is.EquivalentTo(queued));
    }

    [Test]
    public void OrderWithinALevelSurvivesTheSwap()
    {
        var scheduler = new MultiClassScheduler(new AdaptivePolicy());
        int[] priorities = { 3, 9, 3, 9, 3, 0 };
        for (int id = 0; id < priorities.Length; id++)
        {
            scheduler.Add(Normal(id, priorities[id]), null, 0);
        }

        scheduler.ReplaceNormalPolicy(new PriorityRoundRobinPolicy(), 0);
        Assert.That(DrainIds(scheduler), Is.EqualTo(new[] { 1, 3, 0, 2, 4, 5 }));
    }

    [Test]
    public void AThreadRunningDuringTheSwapJoinsTheNewPolicyWhenItStops()
    {
        var adaptive = new AdaptivePolicy();
        var scheduler = new MultiClassScheduler(adaptive);
        SchedThread running = Normal(1, 10), waiting = Normal(2, 10);
        scheduler.Add(running, null, 0);
        scheduler.Add(waiting, null, 0);
        Assert.That(scheduler.PickNext(0), Is.SameAs(running));

        var priority = new PriorityRoundRobinPolicy();
        scheduler.ReplaceNormalPolicy(priority);
        scheduler.OnStop(running, StopReason.SliceExpired, 10 * Ms, 10 * Ms);
        scheduler.Add(running, null, 10 * Ms);

        Assert.That(adaptive.RunnableCount, Is.Zero);
        Assert.That(priority.RunnableCount, Is.EqualTo(2));
        Assert.That(running.EffectivePriority, Is.EqualTo(10), "the new policy does not decay");
        Assert.That(DrainIds(scheduler, 10 * Ms), Is.EqualTo(new[] { 2, 1 }));
    }

    [Test]
    public void ReplacingWithTheSamePolicyOrNullChangesNothing()
    {
        var scheduler = new MultiClassScheduler();
        ISchedulerPolicy current = scheduler.Normal;
        scheduler.Add(Normal(1), null, 0);
        Assert.That(scheduler.ReplaceNormalPolicy(current, 0), Is.SameAs(current));
        Assert.That(scheduler.ReplaceNormalPolicy(null!, 0), Is.SameAs(current));
        Assert.That(scheduler.Normal, Is.SameAs(current));
        Assert.That(scheduler.RunnableCount, Is.EqualTo(1));
    }
}
