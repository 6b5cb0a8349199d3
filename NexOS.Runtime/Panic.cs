namespace NexOS.Runtime;

/// <summary>
/// The end of the line for a broken invariant: report through the platform's diagnostic
/// output, then stop (the kernel halts the processor with interrupts off; a program ends).
/// Safe to call from any context: it neither allocates nor takes locks.
/// </summary>
internal static class Panic
{
    private static int s_depth;

    public static void Halt(string message)
    {
        RuntimePlatform.DisableInterrupts();
        s_depth++;
        if (s_depth > 2)
        {
            // Panicking while reporting a panic: do not try again.
            Stop();
        }

        RuntimePlatform.Write("\n*** NexOS panic: ");
        RuntimePlatform.Write(message);
        RuntimePlatform.Write("\n");
        Stop();
    }

    /// <summary>Stops for good.</summary>
    public static void Stop()
    {
        RuntimePlatform.DisableInterrupts();
        RuntimePlatform.Stop();
    }
}
