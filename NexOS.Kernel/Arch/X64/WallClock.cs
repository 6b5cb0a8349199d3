using NexOS.Core.Hardware;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The time of day: the CMOS real-time clock read once at boot (<see cref="CmosClock"/>),
/// carried forward by the timestamp counter. The kernel keeps the CMOS ports (no driver is
/// given them), so this is the only reader. Unknown when the clock could not be read.
/// </summary>
internal static class WallClock
{
    private static long s_offsetNs;
    private static bool s_known;

    /// <summary>Reads the clock. Boot code, after the TSC is calibrated.</summary>
    public static void Initialize()
    {
        if (CmosClock.TryRead(new X64PortIo(), out long seconds))
        {
            s_offsetNs = (seconds * 1_000_000_000L) - (long)Tsc.NowNs;
            s_known = true;
        }
    }

    /// <summary>Nanoseconds since 1970-01-01 00:00 UTC; false when the clock is unknown.</summary>
    public static bool TryNowNs(out long nanoseconds)
    {
        nanoseconds = s_known ? s_offsetNs + (long)Tsc.NowNs : 0;
        return s_known;
    }
}
