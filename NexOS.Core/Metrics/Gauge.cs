using System.Threading;

namespace NexOS.Core.Metrics;

/// <summary>
/// A level that moves both ways, such as free frames or runnable threads, with the lowest and
/// highest values it has been set to. Updates use atomic instructions and neither allocate
/// nor throw. The value, minimum and maximum are three separate words: a reader racing a
/// writer on another CPU may see a new value before the matching minimum or maximum.
/// </summary>
public sealed class Gauge : Metric
{
    private long _value;

    // Start inverted (min above max) so the first value sets both; that also serves as the
    // "nothing seen yet" flag without a fourth field.
    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    /// <summary>Creates a gauge at zero with nothing seen. See <see cref="Metric"/> for
    /// argument checks.</summary>
    public Gauge(string name, string unit, string description)
        : base(name, unit, description)
    {
    }

    /// <inheritdoc/>
    public override MetricKind Kind => MetricKind.Gauge;

    /// <summary>The current level; zero until first set.</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>True once <see cref="Set"/> or <see cref="Add"/> has run since construction
    /// or the last <see cref="Reset"/>.</summary>
    public bool HasValue => Volatile.Read(ref _max) >= Volatile.Read(ref _min);

    /// <summary>The lowest level seen, or zero when <see cref="HasValue"/> is false.</summary>
    public long Min => HasValue ? Volatile.Read(ref _min) : 0;

    /// <summary>The highest level seen, or zero when <see cref="HasValue"/> is false.</summary>
    public long Max => HasValue ? Volatile.Read(ref _max) : 0;

    /// <summary>Sets the level to <paramref name="value"/> and widens the minimum and maximum
    /// to include it.</summary>
    public void Set(long value)
    {
        Volatile.Write(ref _value, value);
        Observe(value);
    }

    /// <summary>Moves the level by <paramref name="delta"/> (negative to lower it) atomically
    /// and returns the new level, which the minimum and maximum then include. Wraps on
    /// overflow like ordinary <c>long</c> arithmetic.</summary>
    public long Add(long delta)
    {
        long value = Interlocked.Add(ref _value, delta);
        Observe(value);
        return value;
    }

    /// <summary>Sets the level to zero and forgets the minimum and maximum.</summary>
    public void Reset()
    {
        Volatile.Write(ref _value, 0);
        Volatile.Write(ref _min, long.MaxValue);
        Volatile.Write(ref _max, long.MinValue);
    }

    private void Observe(long value)
    {
        AtomicExtremes.LowerTo(ref _min, value);
        AtomicExtremes.RaiseTo(ref _max, value);
    }
}
