namespace NexOS.Core.Processes;

/// <summary>
/// How long a supervisor waits before starting a service that ended: the first restart after
/// <see cref="FirstDelayNs"/>, each quick one after that twice as long, up to
/// <see cref="MaxDelayNs"/>; a service that ran at least <see cref="StableNs"/> before ending
/// starts over at the first delay. So a service that crashes at once cannot keep the CPU busy,
/// and one that crashes once a day comes back quickly.
/// </summary>
public sealed class RestartBackoff
{
    public const ulong FirstDelayNs = 100_000_000;
    public const ulong MaxDelayNs = 5_000_000_000;
    public const ulong StableNs = 10_000_000_000;

    private ulong _next = FirstDelayNs;

    /// <summary>Restarts so far.</summary>
    public int Restarts { get; private set; }

    /// <summary>The delay before the next start of a service that ran for
    /// <paramref name="ranNs"/>.</summary>
    public ulong NextDelay(ulong ranNs)
    {
        if (ranNs >= StableNs)
        {
            _next = FirstDelayNs;
        }

        ulong delay = _next;
        _next = Math.Min(MaxDelayNs, _next * 2);
        Restarts++;
        return delay;
    }
}
