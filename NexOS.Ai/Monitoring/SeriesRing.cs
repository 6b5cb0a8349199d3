namespace NexOS.Ai.Monitoring;

/// <summary>
/// A time series of fixed capacity: the newest samples of one monitored quantity, oldest
/// overwritten first. Storage is allocated once, by the constructor; adding and reading never
/// allocate, so the sampler can run in the kernel's sampling thread at any rate.
/// Not thread-safe: one sampler writes, readers run on the same thread or hold it off.
/// </summary>
public sealed class SeriesRing
{
    private readonly ulong[] _times;
    private readonly double[] _values;
    private int _next;

    /// <summary>A ring for <paramref name="capacity"/> samples (1 to 65536). Throws
    /// <see cref="ArgumentOutOfRangeException"/> otherwise: rings are sized at set-up.</summary>
    public SeriesRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 65536);
        _times = new ulong[capacity];
        _values = new double[capacity];
    }

    public int Capacity => _values.Length;

    /// <summary>Samples held, up to <see cref="Capacity"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Samples added since creation (or <see cref="Clear"/>), kept ones or not.</summary>
    public ulong Added { get; private set; }

    /// <summary>Appends a sample taken at <paramref name="timeNs"/>. A NaN or infinite value,
    /// or a time before the newest sample's, is refused (false), so one bad reading cannot
    /// poison every statistic of the window.</summary>
    public bool Add(ulong timeNs, double value)
    {
        if (!double.IsFinite(value) || (Count > 0 && timeNs < TimeAt(Count - 1)))
        {
            return false;
        }

        _times[_next] = timeNs;
        _values[_next] = value;
        _next = _next + 1 == _values.Length ? 0 : _next + 1;
        Count = Math.Min(Count + 1, _values.Length);
        Added++;
        return true;
    }

    /// <summary>The <paramref name="index"/>-th held sample, 0 the oldest; the caller keeps
    /// it below <see cref="Count"/> (out of range throws, a bug).</summary>
    public double ValueAt(int index) => _values[Slot(index)];

    /// <summary>When the <paramref name="index"/>-th held sample was taken.</summary>
    public ulong TimeAt(int index) => _times[Slot(index)];

    /// <summary>The newest value, or 0 when empty.</summary>
    public double Latest => Count == 0 ? 0 : ValueAt(Count - 1);

    public void Clear()
    {
        Count = 0;
        Added = 0;
        _next = 0;
    }

    private int Slot(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        int slot = _next - Count + index;
        return slot < 0 ? slot + _values.Length : slot;
    }
}
