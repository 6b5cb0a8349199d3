using NexOS.Security.Evolution;

namespace NexOS.Kernel.Evolution;

/// <summary>Turns random words into plausible hook contexts for `evolve exercise` and `evolve bench`.</summary>
internal static class SyntheticContext
{
    /// <summary>Shapes <paramref name="c"/> (random 24-bit values) in place for hook <paramref name="hook"/>.</summary>
    public static void Shape(string hook, Span<long> c)
    {
        if (hook == HookCatalog.TimeSliceName)
        {
            c[0] = 2_000_000 + (c[0] % 8_000_000); // policy slice 2..10 ms
            c[1] = c[1] % 32;
            c[2] = c[2] % 32;
            c[3] = c[3] % 101;
            c[9] = c[9] % 8;                       // runnable threads
        }
        else if (hook == HookCatalog.PriorityName)
        {
            c[1] = 4 + (c[1] % 24);                // base
            c[0] = c[1] - 4 + (c[0] % 9);          // base +- 4
            c[2] = c[2] % 5;
            c[4] = c[4] % 101;
        }
        else if (hook == HookCatalog.GcBudgetName)
        {
            c[1] = (c[1] % 64) << 20;              // live 0..63 MiB
            c[4] = 4096;
            c[5] = 100;
            c[0] = Math.Max(c[4] * 1024, c[1]);    // what the tunables would say
        }
    }
}
