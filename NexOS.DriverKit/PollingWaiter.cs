using NexOS.Drivers.Hardware;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>
/// Waiting for a device that is polled: the first <see cref="YieldWaits"/> waits of a burst
/// only yield the CPU (a command that completes in microseconds costs microseconds), later ones
/// sleep a millisecond each (a slow command costs little CPU). A burst ends when no wait came
/// for <see cref="BurstGapNs"/>; the portable drivers bound the number of waits.
/// </summary>
public sealed class PollingWaiter : IWaiter
{
    /// <summary>Waits of a burst that only yield.</summary>
    public const int YieldWaits = 2000;

    /// <summary>A gap between waits that starts a new burst.</summary>
    public const ulong BurstGapNs = 5_000_000;

    private const ulong SleepNs = 1_000_000;

    private ulong _last;
    private int _burst;

    /// <inheritdoc/>
    public bool Wait()
    {
        ulong now = Time.MonotonicNs;
        _burst = now - _last > BurstGapNs ? 0 : _burst + 1;
        _last = now;
        if (_burst < YieldWaits)
        {
            Process.Yield();
        }
        else
        {
            _ = Time.Sleep(SleepNs);
            _last = Time.MonotonicNs;
        }

        return true;
    }
}
