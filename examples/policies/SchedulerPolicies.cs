using NexOS.Policy;

namespace NexOS.Examples.Policies;

/// <summary>
/// Scheduler policies as a person would write them. Each is a static method over the hook's
/// read-only context; only arithmetic, comparisons, branches, locals, context fields and
/// <see cref="Helpers"/> are allowed, and no loops (the kernel's verifier refuses backward
/// branches at the default security level).
/// </summary>
public static class SchedulerPolicies
{
    /// <summary>Interactive threads get a quarter slice so they answer quickly; when many threads
    /// wait, slices shrink so each gets a turn sooner; boosted threads get a little more.</summary>
    public static long TimeSlice(in SchedContext ctx)
    {
        long slice = ctx.SliceNs;
        if (ctx.Interactive)
        {
            slice /= 4;
        }

        if (ctx.RunnableThreads > 4)
        {
            slice = slice * 4 / ctx.RunnableThreads;
        }

        slice += (ctx.Priority - ctx.BasePriority) * 100_000L;
        return Helpers.Clamp(slice, 100_000L, 1_000_000_000L);
    }

    /// <summary>Threads that block before their slice ends go up one level (at most 4 above
    /// their base); threads that use it all sink back to their base.</summary>
    public static int Priority(in PriorityContext ctx)
    {
        int next = ctx.Blocked && ctx.RanNs < ctx.SliceNs ? ctx.Priority + 1 : ctx.BasePriority;
        return Helpers.Clamp(next, ctx.BasePriority, Helpers.Min(ctx.BasePriority + 4, 31));
    }

    /// <summary>Refused by the verifier: the loop is a backward branch, and a policy that may loop
    /// could hold the scheduler up. (Valid C#, and it runs fine on the host: the rule is the kernel's.)</summary>
    public static long TimeSliceWithLoop(in SchedContext ctx)
    {
        long slice = ctx.SliceNs;
        for (int i = 0; i < ctx.RunnableThreads; i++)
        {
            slice -= slice / 8;
        }

        return slice;
    }
}
