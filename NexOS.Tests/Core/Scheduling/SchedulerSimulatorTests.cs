using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class SchedulerSimulatorTests
{
    private const ulong Second = 1_000_000_000;

    [TestCase("priority")]
    [TestCase("adaptive")]
    public void RealTimeThreadsAreNeverStarvedByTwentyCpuBoundThreads(string normalPolicy)
    {
        var scheduler = new MultiClassScheduler(CreateNormalPolicy(normalPolicy));
        var sim = new SchedulerSimulator(scheduler);
        var hogs = new List<SimThread>();
        for (int id = 0; id < 20; id++)
        {
            hogs.Add(sim.AddThread(Normal(id, SchedThread.MaxPriority), SimBehavior.CpuBound()));
        }

        // 20% + 30% = 50% real-time load, periods that do not divide each other evenly.
        SimThread fast = AddRealTime(scheduler, sim, 100, 2 * Ms, 10 * Ms);
        SimThread slow = AddRealTime(scheduler, sim, 101, 7_500 * Us, 25 * Ms);
        sim.Run(2 * Second);

        Assert.That(fast.DeadlineMisses + slow.DeadlineMisses, Is.Zero, $"{fast}\n{slow}");
        Assert.That(scheduler.RealTime.DeadlineMisses, Is.Zero);
        Assert.That(fast.JobsCompleted, Is.EqualTo(200));
        Assert.That(slow.JobsCompleted, Is.EqualTo(80));
        Assert.That(fast.MaxWakeLatencyNs, Is.LessThanOrEqualTo(8 * Ms), "EDF may delay a job, never past its slack");

        ulong normalCpu = 0;
        foreach (SimThread hog in hogs)
        {
            normalCpu += hog.Thread.CpuTimeNs;
        }

        Assert.That(normalCpu, Is.EqualTo(Second).Within(1 * Ms), "the other half goes to the normal threads");

        // Real-time preemptions interrupt the normal threads' turns all the time; each victim
        // resumes its turn, so the round robin among them stays fair.
        foreach (SimThread hog in hogs)
        {
            Assert.That(hog.Thread.CpuTimeNs, Is.EqualTo(Second / 20).Within(10).Percent, hog.ToString());
        }
    }

    [Test]
    public void AnOverrunningRealTimeThreadIsThrottledAndCannotStarveTheRest()
    {
        var scheduler = new MultiClassScheduler();
        var sim = new SchedulerSimulator(scheduler);
        SimThread hog = sim.AddThread(Normal(1), SimBehavior.CpuBound());
        SchedThread greedy = RealTime(2, 2 * Ms, 10 * Ms);
        Assert.That(scheduler.TryAdmit(greedy, out string? error), Is.True, error);
        SimThread rt = sim.AddThread(greedy, SimBehavior.Periodic(5 * Ms, 10 * Ms));
        sim.Run(1 * Second);

        Assert.That(rt.DeadlineMisses, Is.GreaterThan(0UL), "the workload wants 50% but reserved 20%");
        Assert.That(scheduler.RealTime.DeadlineMisses, Is.GreaterThan(0UL));
        Assert.That(greedy.CpuTimeNs, Is.EqualTo(200 * Ms).Within(2 * Ms), "held to its budget");
        Assert.That(hog.Thread.CpuTimeNs, Is.EqualTo(800 * Ms).Within(2 * Ms));
    }

    [TestCase(3)]
    [TestCase(5)]
    [TestCase(7)]
    public void CpuBoundThreadsShareFairlyUnderRoundRobin(int count)
    {
        var sim = new SchedulerSimulator(new PriorityRoundRobinPolicy());
        for (int id = 0; id < count; id++)
        {
            sim.AddThread(Normal(id, 12), SimBehavior.CpuBound());
        }

        sim.Run(1 * Second);
        ulong fairShare = Second / (ulong)count;
        foreach (SimThread t in sim.Threads)
        {
            Assert.That(t.Thread.CpuTimeNs, Is.EqualTo(fairShare).Within(10).Percent, t.ToString());
        }

        Assert.That(sim.IdleNs, Is.Zero);
    }

    [Test]
    public void StrictPriorityGivesEverythingToTheHighestLevel()
    {
        var sim = new SchedulerSimulator(new PriorityRoundRobinPolicy());
        SimThread high = sim.AddThread(Normal(1, 20), SimBehavior.CpuBound());
        SimThread low = sim.AddThread(Normal(2, 19), SimBehavior.CpuBound());
        sim.Run(100 * Ms);
        Assert.That(high.Thread.CpuTimeNs, Is.EqualTo(100 * Ms));
        Assert.That(low.Thread.CpuTimeNs, Is.Zero);
    }

    [Test]
    public void InteractiveThreadsWaitLessUnderAdaptiveThanUnderPlainPriority()
    {
        SimThread plain = RunInteractiveMix(new PriorityRoundRobinPolicy(), out _);
        SimThread adaptive = RunInteractiveMix(new AdaptivePolicy(), out ulong hogCpu);

        Assert.That(plain.AverageWakeLatencyNs, Is.GreaterThan(10 * Ms), plain.ToString());
        Assert.That(adaptive.AverageWakeLatencyNs, Is.LessThan(plain.AverageWakeLatencyNs / 10), adaptive.ToString());
        Assert.That(adaptive.Thread.InteractivityScore, Is.GreaterThan(90));
        Assert.That(adaptive.Wakeups, Is.GreaterThan(plain.Wakeups), "shorter waits leave time for more work cycles");
        Assert.That(hogCpu, Is.GreaterThan(800 * Ms), "the CPU-bound threads keep most of the CPU");
    }

    [Test]
    public void AnIoBoundThreadAloneRunsAndBlocksOnSchedule()
    {
        var sim = new SchedulerSimulator(new PriorityRoundRobinPolicy());
        SimThread io = sim.AddThread(Normal(1), SimBehavior.IoBound(1 * Ms, 4 * Ms));
        sim.Run(100 * Ms);

        Assert.That(io.Thread.CpuTimeNs, Is.EqualTo(20 * Ms));
        Assert.That(io.Thread.BlockedNs, Is.EqualTo(80 * Ms), "20 blocks of 4 ms, the last one ending at 100 ms");
        Assert.That(io.Wakeups, Is.EqualTo(20));
        Assert.That(io.MaxWakeLatencyNs, Is.Zero);
        Assert.That(sim.IdleNs, Is.EqualTo(80 * Ms));
        Assert.That(io.Thread.Switches, Is.EqualTo(1), "nothing else ran in between, so no switch");
    }

    [Test]
    public void TheSimulationIsDeterministic()
    {
        string first = Summarize(RunMixedScenario());
        string second = Summarize(RunMixedScenario());
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void ThreadsStartAtTheirStartTime()
    {
        var sim = new SchedulerSimulator(new PriorityRoundRobinPolicy());
        SimThread early = sim.AddThread(Normal(1), SimBehavior.CpuBound());
        SimThread late = sim.AddThread(Normal(2, 31), SimBehavior.CpuBound(), 30 * Ms);
        sim.Run(50 * Ms);
        Assert.That(early.Thread.CpuTimeNs, Is.EqualTo(30 * Ms));
        Assert.That(late.Thread.CpuTimeNs, Is.EqualTo(20 * Ms));
        Assert.That(sim.ContextSwitches, Is.EqualTo(2));
    }

    private static SimThread AddRealTime(MultiClassScheduler scheduler, SchedulerSimulator sim, int id, ulong budgetNs, ulong periodNs)
    {
        SchedThread t = RealTime(id, budgetNs, periodNs);
        Assert.That(scheduler.TryAdmit(t, out string? error), Is.True, error);
        return sim.AddThread(t, SimBehavior.Periodic(budgetNs, periodNs));
    }

    /// <summary>Four CPU-bound threads and one interactive thread (0.5 ms of work, then 3 ms of
    /// waiting for I/O), all at one base priority, for one second. Returns the interactive one.</summary>
    private static SimThread RunInteractiveMix(ISchedulerPolicy policy, out ulong hogCpuNs)
    {
        var sim = new SchedulerSimulator(policy);
        for (int id = 0; id < 4; id++)
        {
            sim.AddThread(Normal(id, 10), SimBehavior.CpuBound());
        }

        SimThread interactive = sim.AddThread(Normal(9, 10), SimBehavior.IoBound(500 * Us, 3 * Ms));
        sim.Run(1 * Second);
        hogCpuNs = 0;
        for (int i = 0; i < 4; i++)
        {
            hogCpuNs += sim.Threads[i].Thread.CpuTimeNs;
        }

        return interactive;
    }

    private static SchedulerSimulator RunMixedScenario()
    {
        var scheduler = new MultiClassScheduler(new AdaptivePolicy());
        var sim = new SchedulerSimulator(scheduler);
        var random = new Random(42);
        for (int id = 0; id < 8; id++)
        {
            SimBehavior behavior = random.Next(2) == 0
                ? SimBehavior.CpuBound()
                : SimBehavior.IoBound((ulong)random.Next(100, 3000) * Us, (ulong)random.Next(1, 20) * Ms);
            sim.AddThread(Normal(id, random.Next(8, 24)), behavior, (ulong)random.Next(0, 5) * Ms);
        }

        AddRealTime(scheduler, sim, 50, 3 * Ms, 15 * Ms);
        sim.AddThread(Idle(60), SimBehavior.CpuBound());
        sim.Run(500 * Ms);
        return sim;
    }

    private static string Summarize(SchedulerSimulator sim)
    {
        var lines = new List<string> { $"switches {sim.ContextSwitches} idle {sim.IdleNs}" };
        foreach (SimThread t in sim.Threads)
        {
            lines.Add($"{t} blocked {t.Thread.BlockedNs} prio {t.Thread.EffectivePriority}");
        }

        return string.Join("\n", lines);
    }
}
