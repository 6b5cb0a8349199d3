using NexOS.Policy;

namespace NexOS.Tests.External;

/// <summary>A context struct of the tests' own whose Priority field has the wrong type for sched.time_slice.</summary>
public readonly struct WrongTypeContext
{
    public readonly long Priority;
}

/// <summary>
/// Policies compiled into the test assembly by the normal C# compiler, each breaking one rule
/// the patch tool must refuse (and a few more good ones). The tool reads them from this
/// assembly's file; they are never called through the tool.
/// </summary>
public static class TestPolicies
{
    private static long s_tunable = 5;

    public static long Constant(in TimeSliceContext ctx) => 1_000_000;

    public static long ByValue(TimeSliceContext ctx) => ctx.PolicySliceNs + ctx.Runnable;

    public static long UsesSystemMath(in TimeSliceContext ctx) => Math.Max(ctx.PolicySliceNs, Math.Min(ctx.CpuNs, 5_000_000L));

    public static long UsesLocalsAndSwitch(in TimeSliceContext ctx)
    {
        long factor;
        switch (ctx.Priority)
        {
            case 0:
                factor = 1;
                break;
            case 1:
                factor = 2;
                break;
            case 2:
                factor = 3;
                break;
            default:
                factor = 4;
                break;
        }

        bool busy = ctx.Runnable > 2;
        return busy ? ctx.PolicySliceNs / factor : ctx.PolicySliceNs;
    }

    public static long CallsConsole(in TimeSliceContext ctx)
    {
        Console.WriteLine(ctx.PolicySliceNs);
        return ctx.PolicySliceNs;
    }

    public static long CallsMathWithDoubles(in TimeSliceContext ctx) => (long)Math.Max((double)ctx.PolicySliceNs, 1.5);

    public static long ReadsStatic(in TimeSliceContext ctx) => ctx.PolicySliceNs * s_tunable;

    public static long WritesStatic(in TimeSliceContext ctx)
    {
        s_tunable = ctx.PolicySliceNs;
        return 1;
    }

    public static long TakesFieldAddress(in TimeSliceContext ctx) => ctx.Priority.CompareTo(3);

    public static long HasTryCatch(in TimeSliceContext ctx)
    {
        try
        {
            return 100_000_000 / ctx.PolicySliceNs;
        }
        catch (DivideByZeroException)
        {
            return 1;
        }
    }

    public static long HasDoubleLocal(in TimeSliceContext ctx)
    {
        double scaled = ctx.PolicySliceNs * 0.5;
        if (ctx.Priority > 3)
        {
            scaled += 1;
        }

        return (long)scaled;
    }

    public static long UsesString(in TimeSliceContext ctx) => "abc".Length + ctx.PolicySliceNs;

    public static long Allocates(in TimeSliceContext ctx) => new long[] { ctx.PolicySliceNs, 2 }[0];

    public static int WrongReturnType(in TimeSliceContext ctx) => ctx.Priority;

    public static long NoContext(long slice) => slice;

    public static long WrongFieldType(in WrongTypeContext ctx) => ctx.Priority;

    public static long Overloaded(in TimeSliceContext ctx) => ctx.PolicySliceNs;

    public static long Overloaded(in TimeSliceContext ctx, int extra) => ctx.PolicySliceNs + extra;

    public static long DividesByField(in TimeSliceContext ctx) => ctx.PolicySliceNs / ctx.Runnable;

    public static int PriorityReadsTimeSliceField(in PriorityContext ctx) => ctx.Priority;

    /// <summary>Forty averaging steps: about 280 instructions on its only path, more than the
    /// 200 the priority hook gives a call.</summary>
    public static int LongStraightLine(in PriorityContext ctx)
    {
        int p = ctx.Priority;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        p = (p + ctx.BasePriority) / 2;
        return p;
    }

    /// <summary>A loop with an exit: fine where loops are allowed.</summary>
    public static int CountsUp(in PriorityContext ctx)
    {
        int p = 0;
        while (p < ctx.BasePriority)
        {
            p++;
        }

        return p;
    }

#pragma warning disable CA1822 // an instance method on purpose: the tool must refuse it
    public sealed class Instance
    {
        public long TimeSlice(in TimeSliceContext ctx) => ctx.PolicySliceNs;
    }
#pragma warning restore CA1822
}
