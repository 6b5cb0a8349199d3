using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Runtime;

/// <summary>
/// The end of the line for a broken invariant: report on COM1, then stop the CPU with
/// interrupts off. Safe to call from any context: it neither allocates nor takes locks.
/// </summary>
internal static class Panic
{
    private static int s_depth;

    public static void Halt(string message)
    {
        Native.DisableInterrupts();
        s_depth++;
        if (s_depth > 2)
        {
            // Panicking while reporting a panic: do not try again.
            Stop();
        }

        DebugSerial.Write("\n*** NexOS panic: ");
        DebugSerial.Write(message);
        DebugSerial.Write("\n");
        Stop();
    }

    /// <summary>Stops this CPU for good.</summary>
    public static void Stop()
    {
        Native.DisableInterrupts();
        while (true)
        {
            Native.Halt();
        }
    }
}
