namespace NexOS.Security.Policy;

/// <summary>
/// Counts accepted patches in a sliding 60-second window, for the rate-limit rule. Contract:
/// fixed memory (the last <see cref="Capacity"/> acceptance times); times are nanoseconds from
/// a monotonic clock and are expected not to go backwards. Not thread-safe: the patch manager
/// checks and records under its own lock.
/// </summary>
public sealed class PatchRateLimiter
{
    /// <summary>Acceptance times kept; more than any level's per-minute limit.</summary>
    public const int Capacity = 64;

    /// <summary>Width of the window in nanoseconds.</summary>
    public const ulong WindowNs = 60_000_000_000UL;

    private readonly ulong[] _times = new ulong[Capacity];
    private int _next;
    private int _count;

    /// <summary>Number of recorded acceptances in (now - 60 s, now].</summary>
    public int CountInWindow(ulong nowNs)
    {
        int inWindow = 0;
        for (int i = 0; i < _count; i++)
        {
            ulong t = _times[i];
            if (t <= nowNs && nowNs - t < WindowNs)
            {
                inWindow++;
            }
        }

        return inWindow;
    }

    /// <summary>Records an acceptance at <paramref name="nowNs"/>, forgetting the oldest when full.</summary>
    public void Record(ulong nowNs)
    {
        _times[_next] = nowNs;
        _next = (_next + 1) % Capacity;
        if (_count < Capacity)
        {
            _count++;
        }
    }
}
