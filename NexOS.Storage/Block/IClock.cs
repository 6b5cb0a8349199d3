namespace NexOS.Storage.Block;

/// <summary>A monotonic clock for latencies and deadlines. The OS service wraps its
/// timestamp counter; tests use a clock they advance by hand.</summary>
public interface IClock
{
    /// <summary>Nanoseconds since an arbitrary origin; never goes backwards.</summary>
    ulong NowNanoseconds { get; }
}
