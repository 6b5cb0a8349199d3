using System.Threading;

namespace NexOS.Core.Metrics;

/// <summary>
/// Lock-free running minimum and maximum. Compare-and-swap happens only for a new extreme,
/// which is rare once a metric has settled; each retry means another CPU moved the extreme,
/// so the loops end.
/// </summary>
internal static class AtomicExtremes
{
    public static void LowerTo(ref long location, long value)
    {
        long current = Volatile.Read(ref location);
        while (value < current)
        {
            long seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public static void RaiseTo(ref long location, long value)
    {
        long current = Volatile.Read(ref location);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public static void LowerTo(ref ulong location, ulong value)
    {
        ulong current = Volatile.Read(ref location);
        while (value < current)
        {
            ulong seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public static void RaiseTo(ref ulong location, ulong value)
    {
        ulong current = Volatile.Read(ref location);
        while (value > current)
        {
            ulong seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
