using NexOS.Core.Policy;

namespace NexOS.Core.Scheduling;

/// <summary>What the scheduler knows about one CPU when it places a thread or balances.</summary>
/// <param name="Online">The CPU runs threads.</param>
/// <param name="Idle">It runs its idle thread now.</param>
/// <param name="Queued">Runnable threads in its queue (not counting the running one).</param>
/// <param name="Kicked">It was sent a reschedule interrupt it has not acted on yet.</param>
public readonly record struct CpuLoad(bool Online, bool Idle, int Queued, bool Kicked);

/// <summary>
/// Where threads run on many CPUs, apart from the mechanism: which CPU's run queue a woken
/// thread joins (<see cref="PlaceWake"/>), which CPU an idle or lightly loaded one pulls work
/// from (<see cref="FindBusiest"/>), and which threads may move (<see cref="MayMigrate"/>).
/// Its tunables are named and range-checked ("smp.*"), so the self-evolution engine may tune
/// them like the scheduler's. Allocation-free; called with interrupts off under the kernel
/// lock, or on the host by the simulator and the tests.
/// </summary>
public sealed class CpuBalancer
{
    public CpuBalancer()
    {
        Parameters = new ParameterSet();
        WakeAffine = Parameters.Add(new Parameter(
            "wake_affine", "bool", 0, 1, 1, "1: a woken thread goes back to the CPU it ran on last when that CPU's queue is no longer than the others' (its cache is warm there)"));
        WakeIdle = Parameters.Add(new Parameter(
            "wake_idle", "bool", 0, 1, 1, "1: a woken thread whose own CPU is busy goes to an idle CPU, which is woken for it"));
        Imbalance = Parameters.Add(new Parameter(
            "imbalance", "threads", 1, 64, 2, "a busy CPU pulls a thread from the busiest only when that queue is at least this much longer than its own"));
        IntervalMs = Parameters.Add(new Parameter(
            "balance_interval_ms", "ms", 1, 1000, 4, "how often a busy CPU compares its queue with the others' (an idle CPU looks whenever it would halt)"));
        MigrationCostUs = Parameters.Add(new Parameter(
            "migration_cost_us", "us", 0, 100_000, 500, "a thread that ran less than this long ago is cache-hot: only an idle CPU pulls it"));
    }

    /// <summary>The tunables (register them as "smp").</summary>
    public ParameterSet Parameters { get; }

    public Parameter WakeAffine { get; }

    public Parameter WakeIdle { get; }

    public Parameter Imbalance { get; }

    public Parameter IntervalMs { get; }

    public Parameter MigrationCostUs { get; }

    /// <summary>
    /// The CPU whose queue a thread that became runnable joins. <paramref name="lastCpu"/> is
    /// where it ran last (-1: never), <paramref name="allowed"/> its affinity (bit n: CPU n; 0:
    /// any), <paramref name="waker"/> the CPU running the code that woke it. Rules, in order: a
    /// thread allowed nowhere online goes to the first CPU online (its affinity cannot be kept;
    /// the caller reports it); its last CPU when it idles, or under wake_affine when its queue
    /// is as short as any; an idle CPU not kicked yet under wake_idle (the waker's first, then
    /// the last CPU's, then by index); else the shortest queue, ties to the last CPU, then the
    /// waker, then the lowest index. Returns -1 only when no CPU is online.
    /// </summary>
    public int PlaceWake(int lastCpu, ulong allowed, int waker, ReadOnlySpan<CpuLoad> cpus)
    {
        if (!AnyAllowed(allowed, cpus))
        {
            allowed = 0;
        }

        bool lastOk = Usable(lastCpu, allowed, cpus);
        int shortest = int.MaxValue;
        for (int i = 0; i < cpus.Length; i++)
        {
            if (Usable(i, allowed, cpus))
            {
                shortest = Math.Min(shortest, cpus[i].Queued);
            }
        }

        if (shortest == int.MaxValue)
        {
            return -1;
        }

        if (lastOk && (cpus[lastCpu].Idle || (WakeAffine.Value != 0 && cpus[lastCpu].Queued <= shortest && !BusyWithIdleElsewhere(lastCpu, allowed, cpus))))
        {
            return lastCpu;
        }

        if (WakeIdle.Value != 0)
        {
            foreach (int candidate in stackalloc int[] { waker, lastCpu })
            {
                if (Usable(candidate, allowed, cpus) && cpus[candidate].Idle && !cpus[candidate].Kicked)
                {
                    return candidate;
                }
            }

            for (int i = 0; i < cpus.Length; i++)
            {
                if (Usable(i, allowed, cpus) && cpus[i].Idle && !cpus[i].Kicked)
                {
                    return i;
                }
            }
        }

        if (lastOk && cpus[lastCpu].Queued == shortest)
        {
            return lastCpu;
        }

        if (Usable(waker, allowed, cpus) && cpus[waker].Queued == shortest)
        {
            return waker;
        }

        for (int i = 0; i < cpus.Length; i++)
        {
            if (Usable(i, allowed, cpus) && cpus[i].Queued == shortest)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The CPU that CPU <paramref name="me"/> should pull a thread from, or -1: the online CPU
    /// with the longest queue, when that queue holds at least one thread and <paramref name="me"/>
    /// idles (nothing queued), or when it is at least <see cref="Imbalance"/> longer than
    /// <paramref name="me"/>'s. Ties go to the lowest index.
    /// </summary>
    public int FindBusiest(int me, ReadOnlySpan<CpuLoad> cpus)
    {
        if ((uint)me >= (uint)cpus.Length)
        {
            return -1;
        }

        int busiest = -1;
        for (int i = 0; i < cpus.Length; i++)
        {
            if (i != me && cpus[i].Online && (busiest < 0 || cpus[i].Queued > cpus[busiest].Queued))
            {
                busiest = i;
            }
        }

        if (busiest < 0 || cpus[busiest].Queued == 0)
        {
            return -1;
        }

        int mine = cpus[me].Queued;
        bool idle = mine == 0 && cpus[me].Idle;
        return idle || cpus[busiest].Queued - mine >= Imbalance.Value ? busiest : -1;
    }

    /// <summary>True when a thread that last ran at <paramref name="lastRanNs"/> may move to
    /// another CPU now: always for an idle puller, otherwise once it is no longer cache-hot
    /// (<see cref="MigrationCostUs"/>). <paramref name="allowedOnTarget"/> is its affinity's
    /// say about the target.</summary>
    public bool MayMigrate(ulong lastRanNs, ulong nowNs, bool pullerIdle, bool allowedOnTarget) =>
        allowedOnTarget && (pullerIdle || nowNs - Math.Min(lastRanNs, nowNs) >= (ulong)MigrationCostUs.Value * 1000);

    /// <summary>True when a busy CPU is due to balance: <see cref="IntervalMs"/> passed since
    /// <paramref name="lastBalanceNs"/>.</summary>
    public bool BalanceDue(ulong lastBalanceNs, ulong nowNs) =>
        nowNs - Math.Min(lastBalanceNs, nowNs) >= (ulong)IntervalMs.Value * 1_000_000;

    private static bool Usable(int cpu, ulong allowed, ReadOnlySpan<CpuLoad> cpus) =>
        (uint)cpu < (uint)cpus.Length && cpus[cpu].Online && (allowed == 0 || (cpu < 64 && (allowed & (1UL << cpu)) != 0));

    private static bool AnyAllowed(ulong allowed, ReadOnlySpan<CpuLoad> cpus)
    {
        for (int i = 0; i < cpus.Length; i++)
        {
            if (Usable(i, allowed, cpus))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="cpu"/> is busy and another allowed CPU idles: then
    /// affinity should not keep a thread waiting behind the running one.</summary>
    private bool BusyWithIdleElsewhere(int cpu, ulong allowed, ReadOnlySpan<CpuLoad> cpus)
    {
        if (cpus[cpu].Idle || WakeIdle.Value == 0)
        {
            return false;
        }

        for (int i = 0; i < cpus.Length; i++)
        {
            if (i != cpu && Usable(i, allowed, cpus) && cpus[i].Idle && !cpus[i].Kicked)
            {
                return true;
            }
        }

        return false;
    }
}
