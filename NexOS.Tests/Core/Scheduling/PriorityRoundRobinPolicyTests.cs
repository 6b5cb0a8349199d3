using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class PriorityRoundRobinPolicyTests
{
    [Test]
    public void EmptyPolicyPicksNothing()
    {
        var policy = new PriorityRoundRobinPolicy();
        Assert.That(policy.PickNext(0), Is.Null);
        Assert.That(policy.RunnableCount, Is.Zero);
        Assert.That(policy.LevelBitmap, Is.Zero);
        Assert.That(policy.Name, Is.EqualTo("priority"));
    }

    [Test]
    public void ThreadsOfOneLevelRunInArrivalOrder()
    {
        var policy = new PriorityRoundRobinPolicy();
        for (int id = 1; id <= 5; id++)
        {
            policy.Add(Normal(id, 7), null, 0);
        }

        Assert.That(DrainIds(policy), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void HigherPriorityAlwaysRunsFirst()
    {
        var policy = new PriorityRoundRobinPolicy();
        int[] priorities = { 5, 31, 0, 17, 5, 30, 1, 17, 16 };
        for (int i = 0; i < priorities.Length; i++)
        {
            policy.Add(Normal(i, priorities[i]), null, 0);
        }

        // Descending priority; the two 17s and the two 5s keep their arrival order.
        Assert.That(DrainIds(policy), Is.EqualTo(new[] { 1, 5, 3, 7, 8, 0, 4, 6, 2 }));
    }

    [Test]
    public void SliceExpiryRotatesTheLevel()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread a = Normal(1, 9), b = Normal(2, 9), c = Normal(3, 9);
        policy.Add(a, null, 0);
        policy.Add(b, null, 0);
        policy.Add(c, null, 0);

        SchedThread? first = policy.PickNext(0);
        policy.OnStop(first!, StopReason.SliceExpired, policy.TimeSlice(first!, 0), 10 * Ms);
        policy.Add(first!, null, 10 * Ms);

        Assert.That(first, Is.SameAs(a));
        Assert.That(DrainIds(policy), Is.EqualTo(new[] { 2, 3, 1 }));
    }

    [TestCase("priority")]
    [TestCase("adaptive")]
    public void APreemptedThreadResumesAtTheHeadWithTheRestOfItsSlice(string name)
    {
        ISchedulerPolicy policy = CreateNormalPolicy(name);
        SchedThread a = Normal(1, 5), b = Normal(2, 5), c = Normal(3, 5);
        policy.Add(a, null, 0);
        policy.Add(b, null, 0);
        policy.Add(c, null, 0);
        Assert.That(policy.PickNext(0), Is.SameAs(a));
        Assert.That(policy.TimeSlice(a, 0), Is.EqualTo(10 * Ms));

        policy.OnStop(a, StopReason.Preempted, 3 * Ms, 3 * Ms);
        policy.Add(a, null, 3 * Ms);
        Assert.That(policy.TimeSlice(a, 3 * Ms), Is.EqualTo(7 * Ms));
        Assert.That(policy.PickNext(3 * Ms), Is.SameAs(a), "its turn was not over");

        policy.OnStop(a, StopReason.SliceExpired, 7 * Ms, 10 * Ms);
        Assert.That(policy.TimeSlice(a, 10 * Ms), Is.EqualTo(10 * Ms));
        policy.Add(a, null, 10 * Ms);
        Assert.That(DrainIds(policy, 10 * Ms), Is.EqualTo(new[] { 2, 3, 1 }));
    }

    [Test]
    public void APreemptionAtTheVeryEndOfTheSliceEndsTheTurn()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread a = Normal(1, 5), b = Normal(2, 5);
        policy.Add(a, null, 0);
        policy.Add(b, null, 0);
        policy.PickNext(0);
        policy.OnStop(a, StopReason.Preempted, 10 * Ms, 10 * Ms);
        policy.Add(a, null, 10 * Ms);
        Assert.That(DrainIds(policy, 10 * Ms), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(policy.TimeSlice(a, 10 * Ms), Is.EqualTo(10 * Ms));
    }

    [Test]
    public void AddPreemptsOnlyAStrictlyLowerPriority()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread current = Normal(1, 10);
        Assert.That(policy.Add(Normal(2, 11), current, 0), Is.True);
        Assert.That(policy.Add(Normal(3, 10), current, 0), Is.False);
        Assert.That(policy.Add(Normal(4, 9), current, 0), Is.False);
        Assert.That(policy.Add(Normal(5, 0), null, 0), Is.True, "an idle CPU runs the thread at once");
    }

    [Test]
    public void RemoveOfAThreadNotQueuedReturnsFalse()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread never = Normal(1), picked = Normal(2), removed = Normal(3);
        policy.Add(picked, null, 0);
        policy.Add(removed, null, 0);
        Assert.That(policy.Remove(removed), Is.True);
        Assert.That(policy.PickNext(0), Is.SameAs(picked));

        Assert.That(policy.Remove(never), Is.False);
        Assert.That(policy.Remove(picked), Is.False);
        Assert.That(policy.Remove(removed), Is.False);
        Assert.That(policy.RunnableCount, Is.Zero);
    }

    [Test]
    public void RemoveFromTheMiddleKeepsTheRestInOrder()
    {
        var policy = new PriorityRoundRobinPolicy();
        var threads = new SchedThread[6];
        for (int i = 0; i < threads.Length; i++)
        {
            threads[i] = Normal(i, 4);
            policy.Add(threads[i], null, 0);
        }

        Assert.That(policy.Remove(threads[2]), Is.True);
        Assert.That(policy.Remove(threads[0]), Is.True);
        Assert.That(policy.Remove(threads[5]), Is.True);
        Assert.That(DrainIds(policy), Is.EqualTo(new[] { 1, 3, 4 }));
    }

    [Test]
    public void SecondAddIsIgnored()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread t = Normal(1, 3), other = Normal(2, 3);
        Assert.That(policy.Add(t, null, 0), Is.True);
        policy.Add(other, null, 0);

        // The duplicate returns false and must not relink t (that would loop or lose other).
        Assert.That(policy.Add(t, null, 0), Is.False);
        Assert.That(policy.Add(t, Normal(9, 0), 0), Is.False);
        Assert.That(policy.RunnableCount, Is.EqualTo(2));
        Assert.That(DrainIds(policy), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void RemoveUsesTheLevelTheThreadWasQueuedAt()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread t = Normal(1, 20);
        policy.Add(t, null, 0);
        t.BasePriority = 3;
        t.EffectivePriority = 3;

        Assert.That(policy.Remove(t), Is.True);
        Assert.That(policy.LevelBitmap, Is.Zero);
        Assert.That(policy.PickNext(0), Is.Null);
    }

    [Test]
    public void BitmapHasABitExactlyForEachNonEmptyLevel()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread a = Normal(1, 0), b = Normal(2, 31), c = Normal(3, 31), d = Normal(4, 12);
        policy.Add(a, null, 0);
        policy.Add(b, null, 0);
        policy.Add(c, null, 0);
        policy.Add(d, null, 0);
        Assert.That(policy.LevelBitmap, Is.EqualTo((1u << 0) | (1u << 31) | (1u << 12)));

        policy.Remove(b);
        Assert.That(policy.LevelBitmap, Is.EqualTo((1u << 0) | (1u << 31) | (1u << 12)), "c still waits at 31");
        policy.PickNext(0);
        policy.Remove(a);
        Assert.That(policy.LevelBitmap, Is.EqualTo(1u << 12));
    }

    [Test]
    public void OutOfRangePrioritiesAreClampedToTheEndLevels()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread high = Normal(1, 16), low = Normal(2, 16);
        high.BasePriority = 99;
        low.BasePriority = -5;
        policy.Add(low, null, 0);
        policy.Add(high, null, 0);
        Assert.That(policy.LevelBitmap, Is.EqualTo((1u << 31) | 1u));
        Assert.That(DrainIds(policy), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void AddDropsABoostLeftByAnotherPolicy()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread t = Normal(1, 10);
        t.EffectivePriority = 14;
        policy.Add(t, null, 0);
        Assert.That(t.EffectivePriority, Is.EqualTo(10));
        Assert.That(policy.LevelBitmap, Is.EqualTo(1u << 10));
    }

    [Test]
    public void SliceParameterRefusesOutOfRangeValuesAndKeepsTheOldOne()
    {
        var policy = new PriorityRoundRobinPolicy();
        SchedThread t = Normal(1);
        Assert.That(policy.TimeSlice(t, 0), Is.EqualTo(10 * Ms));

        Assert.That(policy.Parameters.TrySet("slice_ns", (long)(2 * Ms)), Is.Null);
        Assert.That(policy.TimeSlice(t, 0), Is.EqualTo(2 * Ms));

        Assert.That(policy.Parameters.TrySet("slice_ns", 99_999), Is.Not.Null);
        Assert.That(policy.Parameters.TrySet("slice_ns", 1_000_000_001), Is.Not.Null);
        Assert.That(policy.Parameters.TrySet("slice_ns", -1), Is.Not.Null);
        Assert.That(policy.TimeSlice(t, 0), Is.EqualTo(2 * Ms));

        Assert.That(policy.Parameters.TrySet("slice_ns", 100_000), Is.Null);
        Assert.That(policy.Parameters.TrySet("slice_ns", 1_000_000_000), Is.Null);
        Assert.That(policy.Parameters.TrySet("no_such", 1), Is.Not.Null);
    }
}
