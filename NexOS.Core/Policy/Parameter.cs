using System.Threading;

namespace NexOS.Core.Policy;

/// <summary>
/// A named, typed, range-checked tunable that a policy exposes (and that the self-evolution
/// engine may change). Values are 64-bit integers in the unit the name states (ns, percent,
/// levels); a value outside [Min, Max] is refused and the old value stays.
/// </summary>
public sealed class Parameter
{
    private long _value;

    public Parameter(string name, string unit, long min, long max, long defaultValue, string description)
    {
        if (min > max || defaultValue < min || defaultValue > max)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultValue), $"parameter {name}: default {defaultValue} outside [{min}, {max}]");
        }

        Name = name;
        Unit = unit;
        Min = min;
        Max = max;
        Default = defaultValue;
        Description = description;
        _value = defaultValue;
    }

    public string Name { get; }

    public string Unit { get; }

    public long Min { get; }

    public long Max { get; }

    public long Default { get; }

    public string Description { get; }

    /// <summary>The current value. Reads are atomic (one aligned 64-bit load).</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>Sets the value when it lies in range; otherwise returns an error and changes nothing.</summary>
    public string? TrySet(long value)
    {
        if (value < Min || value > Max)
        {
            return $"{Name}: {value} is outside [{Min}, {Max}] {Unit}";
        }

        Volatile.Write(ref _value, value);
        return null;
    }

    public void Reset() => Volatile.Write(ref _value, Default);

    public override string ToString() => $"{Name} = {Value} {Unit} (range {Min}..{Max}, default {Default})";
}
