using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

/// <summary>
/// The policies run with interrupts off in the kernel: after a thread's first Add (or its
/// admission) no call may allocate. Measured the way the UART driver's tests measure it.
/// </summary>
[TestFixture]
public sealed class SchedulingAllocationTests
{
    [TestCase("priority")]
    [TestCase("adaptive")]
    public void NormalPoliciesDoNotAllocateAfterTheFirstAdd(string name)
    {
        ISchedulerPolicy policy = CreateNormalPolicy(name);
        var threads = new SchedThread[16];
        for (int i = 0; i < threads.Length; i++)
        {
            threads[i] = Normal(i, i * 2);
            policy.Add(threads[i], null, 0);
        }

        Churn(policy, threads, 1);
        long allocated = AllocationMeter.Measure(() => Churn(policy, threads, 200));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void RealTimePolicyDoesNotAllocateAfterAdmission()
    {
        var policy = new RealTimePolicy();
        var threads = new SchedThread[8];
        for (int i = 0; i < threads.Length; i++)
        {
            threads[i] = Admitted(policy, i, 1 * Ms, (ulong)(10 + i) * Ms);
        }

        RealTimeChurn(policy, threads, 0, 5);
        long allocated = AllocationMeter.Measure(() => RealTimeChurn(policy, threads, 100 * Ms, 200));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void MultiClassSchedulerDoesNotAllocateAfterTheFirstAdd()
    {
        var scheduler = new MultiClassScheduler(new AdaptivePolicy());
        var threads = new List<SchedThread>();
        for (int i = 0; i < 4; i++)
        {
            SchedThread rt = RealTime(100 + i, 1 * Ms, 20 * Ms);
            Assert.That(scheduler.TryAdmit(rt, out _), Is.True);
            threads.Add(rt);
            threads.Add(Normal(i, 10 + i));
            threads.Add(Idle(200 + i));
        }

        SchedThread[] all = threads.ToArray();
        foreach (SchedThread t in all)
        {
            scheduler.Add(t, null, 0);
        }

        var spare = new PriorityRoundRobinPolicy();
        Churn(scheduler, all, 1);
        ISchedulerPolicy old = scheduler.ReplaceNormalPolicy(spare, 0);
        scheduler.ReplaceNormalPolicy(old, 0);

        long allocated = AllocationMeter.Measure(() =>
        {
            Churn(scheduler, all, 200);
            old = scheduler.ReplaceNormalPolicy(spare, 0);
            scheduler.ReplaceNormalPolicy(old, 0);
            scheduler.ReleaseDue(ulong.MaxValue / 2, null);
        });
        Assert.That(allocated, Is.Zero);
    }

    /// <summary>Runs every thread through pick, slice, stop (alternating reasons) and re-add,
    /// with some removals, the way the kernel's scheduling paths would.</summary>
    private static void Churn(ISchedulerPolicy policy, SchedThread[] threads, int rounds)
    {
        ulong now = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < threads.Length; i++)
            {
                SchedThread? t = policy.PickNext(now);
                if (t == null)
                {
                    break;
                }

                ulong slice = policy.TimeSlice(t, now);
                now += slice;
                policy.OnStop(t, (i & 1) == 0 ? StopReason.SliceExpired : StopReason.Blocked, slice, now);
                policy.Add(t, threads[0], now);
            }

            SchedThread victim = threads[round % threads.Length];
            if (policy.Remove(victim))
            {
                policy.Add(victim, null, now);
            }
        }
    }

    private static void RealTimeChurn(RealTimePolicy policy, SchedThread[] threads, ulong start, int rounds)
    {
        ulong now = start;
        foreach (SchedThread t in threads)
        {
            policy.Add(t, null, now);
        }

        for (int round = 0; round < rounds; round++)
        {
            SchedThread? t = policy.PickNext(now);
            if (t == null)
            {
                now = policy.NextReleaseNs;
                policy.ReleaseDue(now, null);
                continue;
            }

            ulong slice = policy.TimeSlice(t, now);
            now += slice;
            policy.OnStop(t, StopReason.SliceExpired, slice, now);
            policy.Add(t, null, now);
        }
    }
}
