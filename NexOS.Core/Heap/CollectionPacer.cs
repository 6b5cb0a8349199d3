namespace NexOS.Core.Heap;

/// <summary>
/// Decides when a stop-the-world collection may start. Once allocation since the last
/// collection has spent the budget, a collection is due; it starts at once if the real-time
/// threads can give up the processor for the expected pause plus a margin (the jitter the
/// machine itself adds), and otherwise waits for such a moment, which a periodic real-time
/// thread offers right after each job. Waiting never runs past a second budget's worth of
/// allocation: then the collection starts anyway (counted as forced), so memory stays bounded
/// whatever the real-time load. Collections for lack of memory or on request are not paced.
/// <para>
/// The expected pause is the longest recent pause, decaying by an eighth per collection, so
/// one slow collection makes the pacer careful for a while without ruling collections out.
/// Allocation-free; the kernel calls it from the allocator with interrupts off.
/// </para>
/// </summary>
public sealed class CollectionPacer
{
    private bool _waiting;

    /// <summary>Slack the real-time threads must have beyond the expected pause, in ns.</summary>
    public ulong MarginNs { get; set; }

    /// <summary>The pause the pacer plans for, in ns.</summary>
    public ulong ExpectedPauseNs { get; private set; }

    /// <summary>Collections that waited for the real-time threads before starting.</summary>
    public ulong Waited { get; private set; }

    /// <summary>Collections that started without enough slack because the second budget was spent.</summary>
    public ulong Forced { get; private set; }

    /// <summary>The most allocation past the budget while a collection waited, in bytes.</summary>
    public ulong LongestWaitBytes { get; private set; }

    /// <summary>
    /// True when a collection should start now: <paramref name="allocatedBytes"/> since the
    /// last one have reached <paramref name="budgetBytes"/>, and either
    /// <paramref name="slackNs"/> (the least real-time slack, <see cref="ulong.MaxValue"/>
    /// without real-time threads) covers the expected pause and the margin, or the allocation
    /// has reached twice the budget. False means keep allocating and ask again later.
    /// </summary>
    public bool ShouldStart(ulong allocatedBytes, ulong budgetBytes, ulong slackNs)
    {
        if (allocatedBytes < budgetBytes)
        {
            return false;
        }

        ulong past = allocatedBytes - budgetBytes;
        ulong needed = ExpectedPauseNs + MarginNs < ExpectedPauseNs ? ulong.MaxValue : ExpectedPauseNs + MarginNs;
        if (slackNs >= needed)
        {
            Started(past);
            return true;
        }

        if (past >= budgetBytes)
        {
            Forced++;
            Started(past);
            return true;
        }

        if (!_waiting)
        {
            _waiting = true;
            Waited++;
        }

        return false;
    }

    /// <summary>Takes the pause of a finished collection (paced or not) into the estimate.</summary>
    public void RecordPause(ulong pauseNs)
    {
        _waiting = false;
        ExpectedPauseNs = Math.Max(pauseNs, ExpectedPauseNs - (ExpectedPauseNs / 8));
    }

    private void Started(ulong pastBudget)
    {
        LongestWaitBytes = Math.Max(LongestWaitBytes, pastBudget);
    }
}
