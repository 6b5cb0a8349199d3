using NexOS.Policy;

namespace NexOS.Examples.Policies;

/// <summary>
/// Scheduler policies as a person would write them. Each is a static method over the hook's
/// read-only context; only arithmetic, comparisons, branches, locals, context fields and
/// <see cref="Helpers"/> are allowed. Loops are allowed at the Permissive and Standard levels
/// (every call is bounded by fuel) and refused at Strict.
/// </summary>
public static class SchedulerPolicies
{
    /// <summary>Threads that mostly block get a quarter slice so they answer quickly; when many
    /// threads wait, slices shrink so each gets a turn sooner; boosted threads get a little more.</summary>
    public static long TimeSlice(in TimeSliceContext ctx)
    {
        long slice = ctx.PolicySliceNs;
        if (ctx.Interactivity >= 50)
        {
            slice /= 4;
        }

        if (ctx.Runnable > 4)
        {
            slice = slice * 4 / ctx.Runnable;
        }

        slice += (ctx.Priority - ctx.BasePriority) * 100_000L;
        return Helpers.Clamp(slice, 100_000L, 1_000_000_000L);
    }

    /// <summary>Threads that block go up one level (at most 4 above their base); threads that use
    /// their whole slice sink back to their base; anything else keeps the compiled answer.</summary>
    public static int Priority(in PriorityContext ctx)
    {
        int next = ctx.Reason == StopReasons.Blocked ? ctx.Priority + 1
            : ctx.Reason == StopReasons.SliceExpired ? ctx.BasePriority
            : ctx.Priority;
        return Helpers.Clamp(next, ctx.BasePriority, Helpers.Min(ctx.BasePriority + 4, 31));
    }

    /// <summary>Shrinks the slice by an eighth per waiting thread. The loop is a backward branch:
    /// accepted at Standard (fuel bounds every call), refused by the verifier at Strict.</summary>
    public static long TimeSliceWithLoop(in TimeSliceContext ctx)
    {
        long slice = ctx.PolicySliceNs;
        for (int i = 0; i < ctx.Runnable; i++)
        {
            slice -= slice / 8;
        }

        return Helpers.Max(slice, 1_000L);
    }
}
