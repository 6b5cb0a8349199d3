namespace NexOS.Core.Scheduling;

/// <summary>Why the IPC fast path declined a direct switch. The slow path then completes the
/// same IPC result (wake through the run queue, block, pick), so a refusal costs time, never
/// correctness.</summary>
public enum FastPathRefusal
{
    /// <summary>Not refused: switch directly.</summary>
    None,

    /// <summary>Hand-off is off ("sched.group" handoff = 0).</summary>
    Disabled,

    /// <summary>The caller does not block (a send, a reply, a receive that found a sender).</summary>
    CallerContinues,

    /// <summary>The operation woke nobody or two participants: no single partner to run.</summary>
    NotOnePartner,

    /// <summary>The woken participant belongs to no thread the kernel can switch to.</summary>
    NotAThread,

    /// <summary>The partner is not blocked (already runnable, exited, or never started).</summary>
    PartnerNotBlocked,

    /// <summary>Caller or partner is not a normal-class thread: real-time budgets and the idle
    /// class's ordering are never bypassed.</summary>
    NotNormalClass,

    /// <summary>A real-time thread is ready: it runs first.</summary>
    RealTimeReady,

    /// <summary>An interrupt or a wake-up already asked for a reschedule.</summary>
    SwitchPending,

    /// <summary>The caller's slice is spent: the pair queues like everyone else.</summary>
    SliceSpent,
}

/// <summary>
/// What the kernel knows when an IPC operation has woken a partner and blocks the caller: a
/// snapshot taken with interrupts off, for <see cref="IpcFastPath.Check"/>.
/// </summary>
/// <param name="Enabled">Hand-off is on.</param>
/// <param name="CallerBlocks">The IPC result says the caller must block (a call, or a server's
/// reply-and-receive that found nobody sending).</param>
/// <param name="WokenCount">Participants the operation woke (0, 1 or 2).</param>
/// <param name="PartnerIsThread">The woken participant names a kernel thread.</param>
/// <param name="PartnerBlocked">That thread's scheduler state is Blocked.</param>
/// <param name="CallerClass">The running thread's class.</param>
/// <param name="PartnerClass">The partner's class.</param>
/// <param name="RealTimeReady">Real-time threads ready to run.</param>
/// <param name="SwitchPending">A reschedule has been requested and not yet carried out.</param>
/// <param name="NowNs">The clock now.</param>
/// <param name="SliceEndNs">When the running thread's slice ends.</param>
public readonly record struct IpcFastPathFacts(
    bool Enabled,
    bool CallerBlocks,
    int WokenCount,
    bool PartnerIsThread,
    bool PartnerBlocked,
    SchedClass CallerClass,
    SchedClass PartnerClass,
    int RealTimeReady,
    bool SwitchPending,
    ulong NowNs,
    ulong SliceEndNs);

/// <summary>
/// The guards of the IPC fast path, seL4 style: when a call finds its server waiting, or a
/// server's reply finds its caller waiting, and every check here passes, the kernel switches
/// straight to the partner on the rest of the caller's slice (the caller's time is donated, and
/// donated back by the reply) without queueing it, picking or re-arming the timer. The checks
/// keep the scheduler's promises: the pair never outlives the slice it was given (its end is
/// still the timer's deadline), real-time threads and pending preemptions win, and only
/// normal-class threads donate. Counters say how often each guard refused. No allocation after
/// construction, no exception: it runs with interrupts off.
/// </summary>
public sealed class IpcFastPath
{
    private readonly ulong[] _refusals = new ulong[(int)FastPathRefusal.SliceSpent + 1];

    /// <summary>Direct switches admitted.</summary>
    public ulong Taken { get; private set; }

    /// <summary>
    /// The first guard that fails, in a fixed order (<see cref="FastPathRefusal"/> lists them),
    /// or <see cref="FastPathRefusal.None"/> when all pass. Pure: counts nothing.
    /// </summary>
    public static FastPathRefusal Check(in IpcFastPathFacts facts)
    {
        if (!facts.Enabled)
        {
            return FastPathRefusal.Disabled;
        }

        if (!facts.CallerBlocks)
        {
            return FastPathRefusal.CallerContinues;
        }

        if (facts.WokenCount != 1)
        {
            return FastPathRefusal.NotOnePartner;
        }

        if (!facts.PartnerIsThread)
        {
            return FastPathRefusal.NotAThread;
        }

        if (!facts.PartnerBlocked)
        {
            return FastPathRefusal.PartnerNotBlocked;
        }

        if (facts.CallerClass != SchedClass.Normal || facts.PartnerClass != SchedClass.Normal)
        {
            return FastPathRefusal.NotNormalClass;
        }

        if (facts.RealTimeReady > 0)
        {
            return FastPathRefusal.RealTimeReady;
        }

        if (facts.SwitchPending)
        {
            return FastPathRefusal.SwitchPending;
        }

        return facts.SliceEndNs > facts.NowNs ? FastPathRefusal.None : FastPathRefusal.SliceSpent;
    }

    /// <summary>Checks <paramref name="facts"/> and counts the outcome; true when the direct
    /// switch may go ahead (the caller must then perform it: the admission is counted).</summary>
    public bool Admit(in IpcFastPathFacts facts)
    {
        FastPathRefusal refusal = Check(in facts);
        if (refusal == FastPathRefusal.None)
        {
            Taken++;
            return true;
        }

        _refusals[(int)refusal]++;
        return false;
    }

    /// <summary>How often <paramref name="reason"/> refused; 0 for None or an unknown value.</summary>
    public ulong Refusals(FastPathRefusal reason) =>
        reason > FastPathRefusal.None && (int)reason < _refusals.Length ? _refusals[(int)reason] : 0;

    /// <summary>One line for the `ipc` command: direct switches, then refusals by reason (only
    /// the reasons that occurred). Allocates; not for the IPC path.</summary>
    public string Summary()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("fast path: ").Append(Taken).Append(" direct switches, ").Append(TotalRefusals).Append(" refused");
        string separator = " (";
        for (int i = 1; i < _refusals.Length; i++)
        {
            if (_refusals[i] != 0)
            {
                sb.Append(separator).Append(Describe((FastPathRefusal)i)).Append(' ').Append(_refusals[i]);
                separator = ", ";
            }
        }

        return separator == ", " ? sb.Append(')').ToString() : sb.ToString();
    }

    /// <summary>A short name for <paramref name="reason"/> (no reflection: the kernel's
    /// runtime has no enum names).</summary>
    public static string Describe(FastPathRefusal reason) => reason switch
    {
        FastPathRefusal.None => "none",
        FastPathRefusal.Disabled => "disabled",
        FastPathRefusal.CallerContinues => "caller continues",
        FastPathRefusal.NotOnePartner => "not one partner",
        FastPathRefusal.NotAThread => "not a thread",
        FastPathRefusal.PartnerNotBlocked => "partner not blocked",
        FastPathRefusal.NotNormalClass => "not normal class",
        FastPathRefusal.RealTimeReady => "real-time ready",
        FastPathRefusal.SwitchPending => "switch pending",
        FastPathRefusal.SliceSpent => "slice spent",
        _ => "unknown",
    };

    /// <summary>All refusals together.</summary>
    public ulong TotalRefusals
    {
        get
        {
            ulong sum = 0;
            foreach (ulong n in _refusals)
            {
                sum += n;
            }

            return sum;
        }
    }
}
