using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class RealTimeSlackTests
{
    private const ulong Now = 1_000 * Ms;

    [Test]
    public void ThreadsWithoutReservationHaveUnlimitedSlack()
    {
        var normal = new SchedThread(1, "n", SchedClass.Normal, 10) { State = ThreadState.Running };
        Assert.That(RealTimeSlack.Of(normal, 0, Now), Is.EqualTo(ulong.MaxValue));

        SchedThread exited = RealTime(2, 1 * Ms, 5 * Ms);
        exited.State = ThreadState.Exited;
        Assert.That(RealTimeSlack.Of(exited, 0, Now), Is.EqualTo(ulong.MaxValue));

        var noPeriod = new SchedThread(3, "r", SchedClass.RealTime, 31) { State = ThreadState.Blocked };
        Assert.That(RealTimeSlack.Of(noPeriod, 0, Now), Is.EqualTo(ulong.MaxValue));
    }

    [Test]
    public void SleeperHasTheTimeToItsReleasePlusThePeriodMinusItsBudget()
    {
        SchedThread t = RealTime(1, 1 * Ms, 5 * Ms);
        t.State = ThreadState.Blocked;

        // Just after its job: the next release is 4.4 ms away, and that job may start as late
        // as 4 ms after its release.
        Assert.That(RealTimeSlack.Of(t, Now + (4400 * Us), Now), Is.EqualTo(8400 * Us));

        // Just before its release the slack is only what the next job itself allows.
        Assert.That(RealTimeSlack.Of(t, Now + (100 * Us), Now), Is.EqualTo(4100 * Us));
    }

    [Test]
    public void BlockedWithoutTimerOrOverdueTimerCountsAsReleasedNow()
    {
        SchedThread t = RealTime(1, 1 * Ms, 5 * Ms);
        t.State = ThreadState.Blocked;
        Assert.That(RealTimeSlack.Of(t, 0, Now), Is.EqualTo(4 * Ms));
        Assert.That(RealTimeSlack.Of(t, Now - 1, Now), Is.EqualTo(4 * Ms));
        Assert.That(RealTimeSlack.Of(t, Now, Now), Is.EqualTo(4 * Ms));
    }

    [Test]
    public void RunnableJobNeedsItsWholeBudgetBeforeItsDeadline()
    {
        SchedThread t = RealTime(1, 1 * Ms, 5 * Ms);
        t.State = ThreadState.Runnable;
        t.DeadlineNs = Now + (3 * Ms);
        Assert.That(RealTimeSlack.Of(t, 0, Now), Is.EqualTo(2 * Ms));

        t.State = ThreadState.Running;
        t.DeadlineNs = Now + (500 * Us);
        Assert.That(RealTimeSlack.Of(t, 0, Now), Is.Zero, "a job that can no longer fit its budget has no slack");

        t.DeadlineNs = Now - (2 * Ms);
        Assert.That(RealTimeSlack.Of(t, 0, Now), Is.EqualTo(4 * Ms), "a passed deadline means the next job is released now");
    }

    [Test]
    public void HostileReservationsNeitherWrapNorOverflow()
    {
        SchedThread t = RealTime(1, ulong.MaxValue, ulong.MaxValue - 1);
        t.State = ThreadState.Blocked;
        Assert.That(RealTimeSlack.Of(t, 0, Now), Is.Zero, "a budget above the period is clamped to it");

        SchedThread wide = RealTime(2, 1, ulong.MaxValue);
        wide.State = ThreadState.Blocked;
        Assert.That(RealTimeSlack.Of(wide, ulong.MaxValue, Now), Is.EqualTo(ulong.MaxValue), "saturates instead of wrapping");
    }
}
