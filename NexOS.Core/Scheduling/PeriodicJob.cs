namespace NexOS.Core.Scheduling;

/// <summary>
/// The release grid of a periodic real-time task, and its bookkeeping: how late each job
/// started and how many jobs were missed. A job released at R must start at R and end by
/// R + period; one that ends later is a miss. A job whose deadline passed before it could
/// start is not run late: it is counted as missed and skipped, so the task goes on with the
/// next release still ahead (as cyclictest does), and one long stall does not make every
/// later job late. Plain arithmetic, allocation-free; the kernel's real-time workload and the
/// PeriodWait system call both keep one.
/// </summary>
public struct PeriodicJob
{
    /// <summary>The period; 0 until <see cref="Begin"/>.</summary>
    public ulong PeriodNs { get; private set; }

    /// <summary>The release of the current job, or of the next one while none runs.</summary>
    public ulong ReleaseNs { get; private set; }

    /// <summary>True between <see cref="Start"/> and <see cref="End"/>.</summary>
    public bool Running { get; private set; }

    /// <summary>True once <see cref="Begin"/> has set a period.</summary>
    public readonly bool IsSet => PeriodNs != 0;

    /// <summary>Anchors the grid: the first release is one period after <paramref name="nowNs"/>.
    /// <paramref name="periodNs"/> must be above 0.</summary>
    public void Begin(ulong nowNs, ulong periodNs)
    {
        PeriodNs = periodNs;
        ReleaseNs = nowNs + periodNs;
        Running = false;
    }

    /// <summary>The job released at <see cref="ReleaseNs"/> starts at
    /// <paramref name="startNs"/>; returns how late that is (0 when on time or early).</summary>
    public ulong Start(ulong startNs)
    {
        Running = true;
        return startNs > ReleaseNs ? startNs - ReleaseNs : 0;
    }

    /// <summary>
    /// The running job ended at <paramref name="endNs"/>: moves <see cref="ReleaseNs"/> to the
    /// next release whose deadline is still ahead, and returns the jobs missed: 1 when this
    /// job ended after its deadline, plus every release skipped because its deadline had
    /// already passed. Returns 0 and changes nothing when no job runs.
    /// </summary>
    public ulong End(ulong endNs)
    {
        if (!Running || PeriodNs == 0)
        {
            return 0;
        }

        Running = false;
        ulong missed = endNs > ReleaseNs + PeriodNs ? 1UL : 0UL;
        ReleaseNs += PeriodNs;
        if (endNs >= ReleaseNs + PeriodNs)
        {
            ulong skipped = (endNs - ReleaseNs) / PeriodNs;
            missed += skipped;
            ReleaseNs += skipped * PeriodNs;
        }

        return missed;
    }
}
