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

    public static long Constant(in SchedContext ctx) => 1_000_000;

    public static long ByValue(SchedContext ctx) => ctx.SliceNs + ctx.ThreadId;

    public static long UsesSystemMath(in SchedContext ctx) => Math.Max(ctx.SliceNs, Math.Min(ctx.LastRanNs, 5_000_000L));

    public static long UsesLocalsAndSwitch(in SchedContext ctx)
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

        bool busy = ctx.RunnableThreads > 2;
        return busy ? ctx.SliceNs / factor : ctx.SliceNs;
    }

    public static long CallsConsole(in SchedContext ctx)
    {
        Console.WriteLine(ctx.SliceNs);
        return ctx.SliceNs;
    }

    public static long CallsMathWithDoubles(in SchedContext ctx) => (long)Math.Max((double)ctx.SliceNs, 1.5);

    public static long ReadsStatic(in SchedContext ctx) => ctx.SliceNs * s_tunable;

    public static long WritesStatic(in SchedContext ctx)
    {
        s_tunable = ctx.SliceNs;
        return 1;
    }

    public static long TakesFieldAddress(in SchedContext ctx) => ctx.Priority.CompareTo(3);

    public static long HasTryCatch(in SchedContext ctx)
    {
        try
        {
            return 100_000_000 / ctx.SliceNs;
        }
        catch (DivideByZeroException)
        {
            return 1;
        }
    }

    public static long HasDoubleLocal(in SchedContext ctx)
    {
        double scaled = ctx.SliceNs * 0.5;
        if (ctx.Priority > 3)
        {
            scaled += 1;
        }

        return (long)scaled;
    }

    public static long UsesString(in SchedContext ctx) => "abc".Length + ctx.SliceNs;

    public static long Allocates(in SchedContext ctx) => new long[] { ctx.SliceNs, 2 }[0];

    public static int WrongReturnType(in SchedContext ctx) => ctx.Priority;

    public static long NoContext(long slice) => slice;

    public static long WrongFieldType(in WrongTypeContext ctx) => ctx.Priority;

    public static long Overloaded(in SchedContext ctx) => ctx.SliceNs;

    public static long Overloaded(in SchedContext ctx, int extra) => ctx.SliceNs + extra;

    public static long DividesByField(in SchedContext ctx) => ctx.SliceNs / ctx.RunnableThreads;

    public static int PriorityReadsTimeSliceField(in PriorityContext ctx) => ctx.Priority;

#pragma warning disable CA1822 // an instance method on purpose: the tool must refuse it
    public sealed class Instance
    {
        public long TimeSlice(in SchedContext ctx) => ctx.SliceNs;
    }
#pragma warning restore CA1822
}
