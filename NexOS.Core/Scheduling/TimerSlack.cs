namespace NexOS.Core.Scheduling;

/// <summary>
/// Timer slack: a sleeper that does not need its exact wake-up time is woken at the next
/// multiple of the slack instead, so that sleepers whose deadlines fall in the same slot wake
/// together on one timer interrupt. Fewer wake-ups let the CPU stay halted longer; the price
/// is up to one slack of extra lateness for those sleepers (real-time threads never get it).
/// Linux's per-thread timer_slack_ns is the model. Pure; no allocation.
/// </summary>
public static class TimerSlack
{
    /// <summary><paramref name="wakeAtNs"/> rounded up to a multiple of <paramref name="slackNs"/>
    /// (unchanged for a slack of 0 or when rounding would overflow).</summary>
    public static ulong Apply(ulong wakeAtNs, ulong slackNs)
    {
        if (slackNs == 0)
        {
            return wakeAtNs;
        }

        ulong remainder = wakeAtNs % slackNs;
        return remainder == 0 || wakeAtNs > ulong.MaxValue - slackNs ? wakeAtNs : wakeAtNs + (slackNs - remainder);
    }
}
