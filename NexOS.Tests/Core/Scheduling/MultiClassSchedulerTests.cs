using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class MultiClassSchedulerTests
{
    [Test]
    public void ClassesAreServedRealTimeThenNormalThenIdle()
    {
        var scheduler = new MultiClassScheduler();
        SchedThread rt = RealTime(1, 1 * Ms, 10 * Ms);
        Assert.That(scheduler.TryAdmit(rt, out string? error), Is.True, error);
        scheduler.Add(Idle(3), null, 0);
        scheduler.Add(Normal(2, 0), null, 0);
        scheduler.Add(Normal(4, 31), null, 0);
        scheduler.Add(rt, null, 0);

        Assert.That(scheduler.RunnableCount, Is.EqualTo(4));
        Assert.That(DrainIds(scheduler), Is.EqualTo(new[] { 1, 4, 2, 3 }));
        Assert.That(scheduler.Name, Is.EqualTo("multi"));
    }

    [Test]
    public void PreemptionFollowsTheClassOrder()
    {
        var scheduler = new MultiClassScheduler();
        SchedThread rt = RealTime(1, 1 * Ms, 10 * Ms), rt2 = RealTime(5, 1 * Ms, 10 * Ms);
        scheduler.TryAdmit(rt, out _);
        scheduler.TryAdmit(rt2, out _);
        SchedThread normal = Normal(2, 0), idle = Idle(3), idle2 = Idle(4);

        Assert.That(scheduler.Add(rt, Normal(9, 31), 0), Is.True, "real-time preempts even the highest normal priority");
        Assert.That(scheduler.Add(normal, rt, 0), Is.False);
        Assert.That(scheduler.Add(idle, normal, 0), Is.False);
        Assert.That(scheduler.Add(idle2, idle, 0), Is.False, "idle threads take turns by slice only");
        Assert.That(scheduler.Add(Normal(6, 0), idle, 0), Is.True);
        Assert.That(scheduler.Add(rt2, idle, 0), Is.True);
        Assert.That(scheduler.Add(Normal(7, 5), Normal(8, 4), 0), Is.True, "within a class the normal policy decides");
        Assert.That(scheduler.Add(Normal(10, 3), Normal(11, 4), 0), Is.False);
        Assert.That(scheduler.Add(Idle(12), null, 0), Is.True, "an idle CPU runs anything");
    }

    [Test]
    public void AnUnadmittedRealTimeThreadIsServedAsNormal()
    {
        var scheduler = new MultiClassScheduler();
        SchedThread t = RealTime(1, 1 * Ms, 10 * Ms);
        t.BasePriority = 20;
        scheduler.Add(t, null, 0);
        scheduler.Add(Normal(2, 25), null, 0);

        Assert.That(scheduler.RealTime.RunnableCount, Is.Zero);
        Assert.That(DrainIds(scheduler), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(scheduler.TimeSlice(t, 0), Is.EqualTo(10 * Ms), "the normal policy's slice");
    }

    [Test]
    public void AThrottledRealTimeThreadLetsNormalThreadsRunUntilItsRelease()
    {
        var scheduler = new MultiClassScheduler();
        SchedThread rt = RealTime(1, 2 * Ms, 10 * Ms);
        scheduler.TryAdmit(rt, out _);
        SchedThread normal = Normal(2);
        scheduler.Add(rt, null, 0);
        scheduler.Add(normal, null, 0);

        Assert.That(scheduler.PickNext(0), Is.SameAs(rt));
        Assert.That(scheduler.TimeSlice(rt, 0), Is.EqualTo(2 * Ms));
        scheduler.OnStop(rt, StopReason.SliceExpired, 2 * Ms, 2 * Ms);
        scheduler.Add(rt, null, 2 * Ms);
        Assert.That(scheduler.NextReleaseNs, Is.EqualTo(10 * Ms));
        Assert.That(scheduler.PickNext(2 * Ms), Is.SameAs(normal));

        Assert.That(scheduler.ReleaseDue(10 * Ms, normal), Is.True);
        scheduler.OnStop(normal, StopReason.Preempted, 8 * Ms, 10 * Ms);
        scheduler.Add(normal, null, 10 * Ms);
        Assert.That(scheduler.PickNext(10 * Ms), Is.SameAs(rt));
    }

    [Test]
    public void RemoveFindsTheThreadInAnyClass()
    {
        var scheduler = new MultiClassScheduler();
        SchedThread rt = RealTime(1, 1 * Ms, 10 * Ms), normal = Normal(2), idle = Idle(3), idle2 = Idle(4);
        scheduler.TryAdmit(rt, out _);
        foreach (SchedThread t in new[] { rt, normal, idle, idle2 })
        {
            scheduler.Add(t, null, 0);
        }

        Assert.That(scheduler.Remove(idle), Is.True);
        Assert.That(scheduler.Remove(rt), Is.True);
        Assert.That(scheduler.Remove(normal), Is.True);
        Assert.That(scheduler.Remove(normal), Is.False);
        Assert.That(scheduler.Remove(Normal(9)), Is.False);
        Assert.That(scheduler.IdleCount, Is.EqualTo(1));
        Assert.That(DrainIds(scheduler), Is.EqualTo(new[] { 4 }));
    }

    [Test]
    public void IdleThreadsAreFirstInFirstOutWithTheirOwnSlice()
    {
        var scheduler = new MultiClassScheduler();
        for (int id = 1; id <= 4; id++)
        {
            scheduler.Add(Idle(id), null, 0);
        }

        Assert.That(scheduler.Parameters.TrySet("idle_slice_ns", (long)(50 * Ms)), Is.Null);
        Assert.That(scheduler.TimeSlice(Idle(9), 0), Is.EqualTo(50 * Ms));
        Assert.That(DrainIds(scheduler), Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void AThreadQueuedInOneClassIsNotQueuedAgainInAnother()
    {
        var scheduler = new MultiClassScheduler();
        SchedThread t = Normal(1);
        Assert.That(scheduler.Add(t, null, 0), Is.True);
        t.Class = SchedClass.Idle;
        Assert.That(scheduler.Add(t, null, 0), Is.False);
        Assert.That(scheduler.RunnableCount, Is.EqualTo(1));
        Assert.That(DrainIds(scheduler), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void QualifiedParameterNamesReachTheParts()
    {
        var scheduler = new MultiClassScheduler();
        Assert.That(scheduler.TrySetParameter("rt.max_utilization_percent", 50), Is.Null);
        Assert.That(scheduler.RealTime.Parameters.Find("max_utilization_percent")!.Value, Is.EqualTo(50));
        Assert.That(scheduler.TrySetParameter("normal.slice_ns", (long)(3 * Ms)), Is.Null);
        Assert.That(scheduler.TimeSlice(Normal(1), 0), Is.EqualTo(3 * Ms));
        Assert.That(scheduler.TrySetParameter("idle_slice_ns", (long)(20 * Ms)), Is.Null);

        Assert.That(scheduler.TrySetParameter("rt.max_utilization_percent", 101), Is.Not.Null);
        Assert.That(scheduler.FindParameter("rt.max_utilization_percent")!.Value, Is.EqualTo(50));
        Assert.That(scheduler.TrySetParameter("normal.boost_levels", 1), Does.Contain("unknown"));
        Assert.That(scheduler.TrySetParameter("slice_ns", 1), Does.Contain("unknown"));

        scheduler.ReplaceNormalPolicy(new AdaptivePolicy(), 0);
        Assert.That(scheduler.TrySetParameter("normal.boost_levels", 1), Is.Null, "names follow the swap");
        Assert.That(scheduler.Normal.Parameters.Find("boost_levels")!.Value, Is.EqualTo(1));
    }
}
