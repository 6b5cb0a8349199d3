namespace NexOS.Core.Heap;

/// <summary>
/// Decides when a stop-the-world collection may start. Once allocation since the last
/// collection has spent the budget, a collection is due; it starts as soon as the real-time
/// threads can give up the processor for the expected pause plus a margin (room for the
/// jitter the machine itself adds), a moment a periodic real-time thread offers right after
/// each job. After one more budget's worth of allocation the margin is dropped (the pause
/// alone must fit), and after two more the collection starts anyway (counted as forced), so
/// memory stays bounded whatever the real-time load. Collections for lack of memory or on
/// request are not paced.
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

    /// <summary>Collections that started with slack for the pause but not the margin, a
    /// budget past the first.</summary>
    public ulong WithoutMargin { get; private set; }

    /// <summary>Collections that started without slack for their pause, two budgets past the first.</summary>
    public ulong Forced { get; private set; }

    /// <summary>The most allocation past the budget while a collection waited, in bytes.</summary>
    public ulong LongestWaitBytes { get; private set; }

    /// <summary>
    /// True when a collection should start now: <paramref name="allocatedBytes"/> since the
    /// last one have reached <paramref name="budgetBytes"/>, and <paramref name="slackNs"/>
    /// (the least real-time slack, <see cref="ulong.MaxValue"/> without real-time threads)
    /// covers the expected pause and the margin, or the pause alone a budget later, or
    /// allocation has reached three budgets. False means keep allocating and ask again later.
    /// </summary>
    public bool ShouldStart(ulong allocatedBytes, ulong budgetBytes, ulong slackNs)
    {
        if (allocatedBytes < budgetBytes)
        {
            return false;
        }

        ulong past = allocatedBytes - budgetBytes;
        ulong withMargin = ExpectedPauseNs + MarginNs < ExpectedPauseNs ? ulong.MaxValue : ExpectedPauseNs + MarginNs;
        if (slackNs >= withMargin)
        {
            Started(past);
            return true;
        }

        if (past >= budgetBytes && slackNs >= ExpectedPauseNs)
        {
            WithoutMargin++;
            Started(past);
            return true;
        }

        if (past / 2 >= budgetBytes)
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
