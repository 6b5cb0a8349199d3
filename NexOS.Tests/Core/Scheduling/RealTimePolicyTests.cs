using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class RealTimePolicyTests
{
    [Test]
    public void EarliestDeadlineRunsFirst()
    {
        var policy = new RealTimePolicy();
        SchedThread[] early =
        {
            Admitted(policy, 1, 1 * Ms, 30 * Ms),
            Admitted(policy, 2, 1 * Ms, 10 * Ms),
            Admitted(policy, 3, 1 * Ms, 20 * Ms),
        };
        SchedThread late = Admitted(policy, 4, 1 * Ms, 5 * Ms);
        foreach (SchedThread t in early)
        {
            policy.Add(t, null, 0);
        }

        // Released later, so due at 4 + 5 = 9 ms: still the earliest.
        policy.Add(late, null, 4 * Ms);
        Assert.That(DrainIds(policy, 4 * Ms), Is.EqualTo(new[] { 4, 2, 3, 1 }));
    }

    [Test]
    public void TheDeadlineIsReleasePlusPeriod()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 1 * Ms, 10 * Ms);
        policy.Add(t, null, 3 * Ms);
        Assert.That(t.DeadlineNs, Is.EqualTo(13 * Ms));
        Assert.That(SchedNode.Find(t)!.ReleaseNs, Is.EqualTo(3 * Ms));
    }

    [Test]
    public void AnEarlierDeadlinePreemptsALaterOne()
    {
        var policy = new RealTimePolicy();
        SchedThread running = Admitted(policy, 1, 1 * Ms, 20 * Ms);
        SchedThread urgent = Admitted(policy, 2, 1 * Ms, 10 * Ms);
        SchedThread relaxed = Admitted(policy, 3, 1 * Ms, 50 * Ms);
        policy.Add(running, null, 0);
        Assert.That(policy.PickNext(0), Is.SameAs(running));

        Assert.That(policy.Add(urgent, running, 0), Is.True);
        Assert.That(policy.Add(relaxed, running, 0), Is.False);
        Assert.That(policy.Preempts(relaxed, Normal(9)), Is.True, "a real-time thread preempts any other class");
    }

    [Test]
    public void TheSliceIsTheRemainingBudget()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 3 * Ms, 10 * Ms);
        policy.Add(t, null, 0);
        Assert.That(policy.PickNext(0), Is.SameAs(t));
        Assert.That(policy.TimeSlice(t, 0), Is.EqualTo(3 * Ms));

        policy.OnStop(t, StopReason.Preempted, 1 * Ms, 1 * Ms);
        policy.Add(t, null, 1 * Ms);
        Assert.That(policy.PickNext(2 * Ms), Is.SameAs(t));
        Assert.That(policy.TimeSlice(t, 2 * Ms), Is.EqualTo(2 * Ms));
    }

    [Test]
    public void TheSliceEndsAtTheDeadline()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 8 * Ms, 10 * Ms);
        policy.Add(t, null, 0);
        Assert.That(policy.PickNext(6 * Ms), Is.SameAs(t));
        Assert.That(policy.TimeSlice(t, 6 * Ms), Is.EqualTo(4 * Ms));
    }

    [Test]
    public void AnExhaustedBudgetThrottlesUntilTheNextPeriod()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        policy.Add(t, null, 0);
        policy.PickNext(0);
        policy.OnStop(t, StopReason.SliceExpired, 2 * Ms, 2 * Ms);

        Assert.That(policy.Add(t, null, 2 * Ms), Is.False, "a throttled thread does not preempt");
        Assert.That(policy.ReadyCount, Is.Zero);
        Assert.That(policy.ThrottledCount, Is.EqualTo(1));
        Assert.That(policy.RunnableCount, Is.EqualTo(1));
        Assert.That(policy.NextReleaseNs, Is.EqualTo(10 * Ms));
        Assert.That(policy.PickNext(5 * Ms), Is.Null);
        Assert.That(policy.ReleaseDue(10 * Ms - 1), Is.Zero);

        Assert.That(policy.ReleaseDue(10 * Ms), Is.EqualTo(1));
        Assert.That(policy.NextReleaseNs, Is.EqualTo(ulong.MaxValue));
        Assert.That(policy.PickNext(10 * Ms), Is.SameAs(t));
        Assert.That(t.DeadlineNs, Is.EqualTo(20 * Ms));
        Assert.That(policy.TimeSlice(t, 10 * Ms), Is.EqualTo(2 * Ms));

        // It wanted more than its budget in the first period: an overrun, and that job missed.
        Assert.That(SchedNode.Find(t)!.Overruns, Is.EqualTo(1));
        Assert.That(policy.DeadlineMisses, Is.EqualTo(1));
    }

    [Test]
    public void PickNextReleasesDueThreadsItself()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        policy.Add(t, null, 0);
        policy.PickNext(0);
        policy.OnStop(t, StopReason.Yielded, 2 * Ms, 2 * Ms);
        policy.Add(t, null, 2 * Ms);
        Assert.That(policy.PickNext(25 * Ms), Is.SameAs(t));
        Assert.That(t.DeadlineNs, Is.EqualTo(30 * Ms), "jumps to the period containing now");
    }

    [Test]
    public void ReleaseDueReportsWhetherToPreempt()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        SchedThread other = Admitted(policy, 2, 1 * Ms, 5 * Ms);
        policy.Add(t, null, 0);
        policy.PickNext(0);
        policy.OnStop(t, StopReason.SliceExpired, 2 * Ms, 2 * Ms);
        policy.Add(t, null, 2 * Ms);

        Assert.That(policy.ReleaseDue(9 * Ms, Normal(5)), Is.False, "nothing due yet");
        Assert.That(policy.ReleaseDue(10 * Ms, Normal(5)), Is.True);
        policy.PickNext(10 * Ms);
        policy.OnStop(t, StopReason.SliceExpired, 2 * Ms, 12 * Ms);
        policy.Add(t, null, 12 * Ms);

        policy.Add(other, null, 12 * Ms);
        Assert.That(policy.PickNext(12 * Ms), Is.SameAs(other));
        Assert.That(policy.ReleaseDue(20 * Ms, other), Is.False, "due at 17 ms, earlier than t's 30 ms");
    }

    [Test]
    public void AJobThatFinishesInTimeIsNoMiss()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        for (ulong period = 0; period < 5; period++)
        {
            ulong start = period * 10 * Ms;
            policy.Add(t, null, start);
            Assert.That(policy.PickNext(start + (7 * Ms)), Is.SameAs(t));
            policy.OnStop(t, StopReason.Blocked, 2 * Ms, start + (9 * Ms));
        }

        Assert.That(policy.DeadlineMisses, Is.Zero);
    }

    [Test]
    public void ARunnableThreadStillWaitingAtItsDeadlineMisses()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        policy.Add(t, null, 0);
        Assert.That(policy.PickNext(15 * Ms), Is.SameAs(t));
        Assert.That(policy.DeadlineMisses, Is.EqualTo(1));
        Assert.That(SchedNode.Find(t)!.DeadlineMisses, Is.EqualTo(1));
        Assert.That(t.DeadlineNs, Is.EqualTo(20 * Ms));
        Assert.That(policy.TimeSlice(t, 15 * Ms), Is.EqualTo(2 * Ms));
    }

    [TestCase(StopReason.Preempted, 10UL, 1UL)]
    [TestCase(StopReason.SliceExpired, 10UL, 1UL)]
    [TestCase(StopReason.Blocked, 10UL, 0UL)]
    [TestCase(StopReason.Blocked, 11UL, 1UL)]
    [TestCase(StopReason.Exited, 12UL, 1UL)]
    public void RunningAtTheDeadlineIsAMissUnlessTheJobEndsRightThen(StopReason reason, ulong stopMs, ulong misses)
    {
        var policy = new RealTimePolicy();
        Assert.That(policy.Parameters.TrySet("max_utilization_percent", 100), Is.Null);
        SchedThread t = Admitted(policy, 1, 10 * Ms, 10 * Ms);
        policy.Add(t, null, 0);
        policy.PickNext(1 * Ms);
        policy.OnStop(t, reason, (stopMs - 1) * Ms, stopMs * Ms);
        Assert.That(policy.DeadlineMisses, Is.EqualTo(misses));
    }

    [Test]
    public void AMissIsCountedOncePerJob()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        policy.Add(t, null, 0);
        policy.PickNext(5 * Ms);
        policy.OnStop(t, StopReason.Preempted, 1 * Ms, 10 * Ms);
        policy.OnStop(t, StopReason.Preempted, 0, 10 * Ms);
        Assert.That(policy.DeadlineMisses, Is.EqualTo(1));
        policy.Add(t, null, 10 * Ms);
        Assert.That(policy.PickNext(10 * Ms), Is.SameAs(t));
        Assert.That(policy.DeadlineMisses, Is.EqualTo(1));
    }

    [Test]
    public void RemoveTakesReadyAndThrottledThreadsOut()
    {
        var policy = new RealTimePolicy();
        SchedThread ready = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        SchedThread throttled = Admitted(policy, 2, 2 * Ms, 10 * Ms);
        policy.Add(throttled, null, 0);
        policy.PickNext(0);
        policy.OnStop(throttled, StopReason.SliceExpired, 2 * Ms, 2 * Ms);
        policy.Add(throttled, null, 2 * Ms);
        policy.Add(ready, null, 2 * Ms);

        Assert.That(policy.Remove(throttled), Is.True);
        Assert.That(policy.NextReleaseNs, Is.EqualTo(ulong.MaxValue));
        Assert.That(policy.Remove(ready), Is.True);
        Assert.That(policy.Remove(ready), Is.False);
        Assert.That(policy.RunnableCount, Is.Zero);
        Assert.That(policy.PickNext(50 * Ms), Is.Null);
    }

    [Test]
    public void SecondAddIsIgnored()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        Assert.That(policy.Add(t, null, 0), Is.True);
        Assert.That(policy.Add(t, null, 0), Is.False);
        Assert.That(policy.RunnableCount, Is.EqualTo(1));
        Assert.That(DrainIds(policy), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void AHugePeriodSaturatesInsteadOfWrapping()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 1 * Ms, ulong.MaxValue - 1);
        policy.Add(t, null, 5 * Ms);
        Assert.That(t.DeadlineNs, Is.EqualTo(ulong.MaxValue));
        Assert.That(policy.PickNext(6 * Ms), Is.SameAs(t));
        Assert.That(policy.DeadlineMisses, Is.Zero);
    }

    [Test]
    public void UnadmittedThreadsAreIgnored()
    {
        var policy = new RealTimePolicy();
        SchedThread t = RealTime(1, 1 * Ms, 10 * Ms);
        Assert.That(policy.Add(t, null, 0), Is.False);
        Assert.That(policy.Remove(t), Is.False);
        Assert.That(policy.RunnableCount, Is.Zero);
        Assert.That(policy.TimeSlice(t, 0), Is.GreaterThan(0UL), "a fallback slice keeps the timer firing");
        policy.OnStop(t, StopReason.SliceExpired, 5 * Ms, 50 * Ms);
        Assert.That(policy.DeadlineMisses, Is.Zero);
    }
}
