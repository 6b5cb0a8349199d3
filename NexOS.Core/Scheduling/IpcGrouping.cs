using NexOS.Core.Policy;

namespace NexOS.Core.Scheduling;

/// <summary>
/// Grouping of IPC partners: when a thread wakes its established partner by IPC and then
/// blocks for the answer (a call, or a server's reply-and-receive), the partner runs next on
/// the rest of the caller's slice (a direct hand-off) instead of queueing behind every other
/// runnable thread. A client/server pair then costs one slice of the round robin, not one per
/// message, and cannot starve anyone: the pair shares one slice and is preempted with it.
/// The decision is the policy's; the tunables are the "sched.group" parameter set.
/// </summary>
public sealed class IpcGrouping
{
    /// <summary>Creates the policy with a partner table for <paramref name="capacity"/> threads.</summary>
    public IpcGrouping(int capacity = 512)
    {
        Parameters = new ParameterSet();
        HandOff = Parameters.Add(new Parameter(
            "handoff", "bool", 0, 1, 1, "1: a thread that wakes its IPC partner and blocks hands the CPU to it"));
        MinScore = Parameters.Add(new Parameter(
            "min_score", "wakes", 1, IpcPartnerTable.MaxScore, 4, "partner score (decayed wakes) needed before hand-off"));
        HalfLifeMs = Parameters.Add(new Parameter(
            "half_life_ms", "ms", 1, 10_000, 100, "time for a pair's score to halve when it stops talking"));
        Partners = new IpcPartnerTable(capacity, (ulong)HalfLifeMs.Value * 1_000_000);
    }

    /// <summary>The tunables (register them as "sched.group").</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Hand-off on (1) or off (0).</summary>
    public Parameter HandOff { get; }

    /// <summary>Score a partner must have for a hand-off.</summary>
    public Parameter MinScore { get; }

    /// <summary>Half-life of partner scores.</summary>
    public Parameter HalfLifeMs { get; }

    /// <summary>Who talks to whom.</summary>
    public IpcPartnerTable Partners { get; }

    /// <summary>Hand-offs granted.</summary>
    public ulong HandOffs { get; private set; }

    /// <summary>Blocking wakes that did not qualify (grouping off, or not an established pair).</summary>
    public ulong Declined { get; private set; }

    /// <summary>
    /// Records that <paramref name="waker"/> woke <paramref name="woken"/> by IPC and decides
    /// whether <paramref name="woken"/> should run next: only when the waker blocks
    /// (<paramref name="wakerBlocks"/>), both are normal-class threads
    /// (<paramref name="bothNormal"/>: real-time and idle ordering is never bypassed), hand-off
    /// is on and the pair's score reaches <see cref="MinScore"/>. No allocation.
    /// </summary>
    public bool OnWake(int waker, int woken, bool wakerBlocks, bool bothNormal, ulong nowNs)
    {
        ulong halfLife = (ulong)HalfLifeMs.Value * 1_000_000;
        if (Partners.HalfLifeNs != halfLife)
        {
            Partners.HalfLifeNs = halfLife;
        }

        Partners.RecordWake(waker, woken, nowNs);
        if (!wakerBlocks)
        {
            return false;
        }

        if (HandOff.Value == 0 || !bothNormal || Partners.Score(waker, woken, nowNs) < MinScore.Value)
        {
            Declined++;
            return false;
        }

        HandOffs++;
        return true;
    }
}
