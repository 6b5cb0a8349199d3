using System.Runtime.CompilerServices;

namespace NexOS.Kernel.SelfTest;

/// <summary>Self tests of exception dispatch: the runtime layer's unwinder, clause
/// enumeration and funclet calls under the class library's two-pass dispatcher.</summary>
internal static class ExceptionTests
{
    public static void Register()
    {
        SelfTestRunner.Add("exception caught three frames down", CaughtThreeFramesDown);
        SelfTestRunner.Add("finally blocks", FinallyBlocks);
        SelfTestRunner.Add("rethrow and filters", RethrowAndFilters);
        SelfTestRunner.Add("exception in a finally replaces the first", ExceptionInFinally);
        SelfTestRunner.Add("exception stack trace names methods", StackTraceNames);
        SelfTestRunner.Add("Environment.StackTrace", CurrentStackTrace);
        SelfTestRunner.Add("runtime exceptions", RuntimeExceptions);
        SelfTestRunner.Add("divide by zero fault", DivideByZeroFault);
        SelfTestRunner.Add("null dereference fault", NullDereferenceFault);
    }

    private static void CaughtThreeFramesDown()
    {
        try
        {
            One();
            throw new SelfTestFailure("nothing was thrown");
        }
        catch (InvalidOperationException e)
        {
            Expect.Equal("three frames down", e.Message, "message");
        }
    }

    private static void FinallyBlocks()
    {
        var log = new List<string>();
        try
        {
            try
            {
                log.Add("try");
                Throw("boom");
            }
            finally
            {
                log.Add("inner finally");
            }
        }
        catch (InvalidOperationException)
        {
            log.Add("catch");
        }
        finally
        {
            log.Add("outer finally");
        }

        Expect.Equal("try,inner finally,catch,outer finally", string.Join(",", log), "order");
        Expect.Equal(2, ReturnThroughFinally(log), "return value");
        Expect.Equal("finally on return", log[^1], "finally ran on return");
    }

    private static void RethrowAndFilters()
    {
        int filterRuns = 0;
        try
        {
            try
            {
                Throw("first");
            }
            catch (InvalidOperationException)
            {
                throw;
            }
        }
        catch (InvalidOperationException e) when (++filterRuns > 0 && e.Message == "first")
        {
            Expect.Equal(1, filterRuns, "filter ran once");
        }

        bool skipped = false;
        try
        {
            try
            {
                Throw("second");
            }
            catch (InvalidOperationException e) when (e.Message == "other")
            {
                throw new SelfTestFailure("a false filter caught the exception");
            }
        }
        catch (InvalidOperationException)
        {
            skipped = true;
        }

        Expect.True(skipped, "false filter passed the exception on");
    }

    private static void ExceptionInFinally()
    {
        try
        {
            try
            {
                Throw("original");
            }
            finally
            {
                throw new ArgumentException("from finally");
            }
        }
        catch (ArgumentException e)
        {
            Expect.Equal("from finally", e.Message, "the newer exception wins");
        }
    }

    private static void StackTraceNames()
    {
        try
        {
            One();
        }
        catch (Exception e)
        {
            string trace = e.StackTrace ?? "";
            Expect.True(trace.Contains("Three"), $"trace names the throwing method: {trace}");
            Expect.True(trace.Contains("CaughtThreeFramesDown") || trace.Contains("StackTraceNames"), "trace names the catching frame's method");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CurrentStackTrace()
    {
        string trace = Environment.StackTrace;
        Expect.True(trace.Contains("CurrentStackTrace"), $"the current method is in the trace: {trace}");
        Expect.True(trace.Contains("RunAll"), "and its callers");
    }

    private static void RuntimeExceptions()
    {
        int[] small = new int[2];
        int index = small.Length;
        Expect.Throws<IndexOutOfRangeException>(() => small[index] = 1, "array bounds");
        object text = "text";
        Expect.Throws<InvalidCastException>(() => _ = (Exception)text, "cast");
        int big = int.MaxValue;
        Expect.Throws<OverflowException>(() => _ = checked(big + 1), "checked arithmetic");
        Expect.Throws<KeyNotFoundException>(() => _ = new Dictionary<int, int>()[1], "missing key");
        int negative = -small.Length;
        Expect.Throws<OverflowException>(() => _ = new byte[negative], "negative array length");
        IDisposable? nothing = Environment.TickCount64 < 0 ? new MemoryStreamLike() : null;
        Expect.Throws<NullReferenceException>(() => nothing!.Dispose(), "interface call on null");
    }

    private static void DivideByZeroFault()
    {
        int zero = Environment.TickCount64 < 0 ? 1 : 0;
        Expect.Throws<DivideByZeroException>(() => _ = 10 / zero, "integer division by zero");
    }

    private static void NullDereferenceFault()
    {
        int[]? nothing = Environment.TickCount64 < 0 ? new int[1] : null;
        Expect.Throws<NullReferenceException>(() => _ = nothing![0], "array element through a null reference");
        string? text = Environment.TickCount64 < 0 ? "x" : null;
        Expect.Throws<NullReferenceException>(() => _ = text!.Length, "field of a null object");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void One() => Two();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Two() => Three();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Three() => throw new InvalidOperationException("three frames down");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(string message) => throw new InvalidOperationException(message);

    private static int ReturnThroughFinally(List<string> log)
    {
        try
        {
            return 2;
        }
        finally
        {
            log.Add("finally on return");
        }
    }

    private sealed class MemoryStreamLike : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
