using System.Threading;

namespace NexOS.Core.Metrics;

/// <summary>
/// A running total, such as interrupts taken or frames allocated. Updates are single atomic
/// instructions (<see cref="Interlocked"/>), so the count stays exact when several CPUs share
/// a counter, and they neither allocate nor throw, so interrupt handlers may use them.
/// </summary>
public sealed class Counter : Metric
{
    private long _value;

    /// <summary>Creates a counter at zero. See <see cref="Metric"/> for argument checks.</summary>
    public Counter(string name, string unit, string description)
        : base(name, unit, description)
    {
    }

    /// <inheritdoc/>
    public override MetricKind Kind => MetricKind.Counter;

    /// <summary>The total so far. A plain aligned 64-bit read is atomic on x86-64, so no
    /// locked instruction is needed to read it.</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>Adds <paramref name="amount"/>. A negative amount would make the total go
    /// backwards, which a counter promises never to do, so it is refused: returns false and
    /// changes nothing. The total wraps past <see cref="long.MaxValue"/> (not reachable by
    /// counting events in practice).</summary>
    public bool Add(long amount)
    {
        if (amount < 0)
        {
            return false;
        }

        Interlocked.Add(ref _value, amount);
        return true;
    }

    /// <summary>Adds one.</summary>
    public void Increment() => Interlocked.Increment(ref _value);

    /// <summary>Sets the total back to zero, e.g. between benchmark runs.</summary>
    public void Reset() => Interlocked.Exchange(ref _value, 0);
}
