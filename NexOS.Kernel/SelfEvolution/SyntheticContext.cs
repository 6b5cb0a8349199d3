using NexOS.Kernel.Threading;
using NexOS.Security.Patching;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.SelfEvolution;

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

    /// <summary>Calls every hook of <paramref name="registry"/> <paramref name="count"/> times
    /// with synthetic contexts drawn from <paramref name="seed"/>, each call with interrupts
    /// off as at the real call sites, so canaries gather samples and the watchdog sees faults.</summary>
    public static void Exercise(HookRegistry registry, int count, ulong seed)
    {
        Span<long> c = stackalloc long[16];
        ulong x = seed;
        foreach (PolicyHook hook in registry.Hooks)
        {
            for (int i = 0; i < count; i++)
            {
                for (int f = 0; f < c.Length; f++)
                {
                    x = (x * 6364136223846793005UL) + 1442695040888963407UL;
                    c[f] = (long)(x >> 40);
                }

                Shape(hook.Name, c);
                ulong flags = InterruptState.Disable();
                hook.Invoke(c.Slice(0, hook.Signature.ContextFieldCount));
                InterruptState.Restore(flags);
            }
        }
    }
}
