namespace NexOS.Core.Memory;

/// <summary>A physical address. Kept apart from virtual addresses and plain integers so the
/// two kinds of address cannot be mixed up by accident.</summary>
public readonly record struct PhysAddr(ulong Value) : IComparable<PhysAddr>
{
    public static PhysAddr operator +(PhysAddr a, ulong offset) => new(a.Value + offset);

    public static ulong operator -(PhysAddr a, PhysAddr b) => a.Value - b.Value;

    public static bool operator <(PhysAddr a, PhysAddr b) => a.Value < b.Value;

    public static bool operator >(PhysAddr a, PhysAddr b) => a.Value > b.Value;

    public static bool operator <=(PhysAddr a, PhysAddr b) => a.Value <= b.Value;

    public static bool operator >=(PhysAddr a, PhysAddr b) => a.Value >= b.Value;

    public int CompareTo(PhysAddr other) => Value.CompareTo(other.Value);

    public PhysAddr AlignUp(ulong alignment) => new((Value + alignment - 1) & ~(alignment - 1));

    public PhysAddr AlignDown(ulong alignment) => new(Value & ~(alignment - 1));

    public override string ToString() => "0x" + Value.ToString("x");
}

/// <summary>A half-open physical range [Start, End).</summary>
public readonly record struct PhysRange(PhysAddr Start, PhysAddr End)
{
    public ulong Length => End.Value > Start.Value ? End.Value - Start.Value : 0;

    public bool IsEmpty => End.Value <= Start.Value;

    public static PhysRange FromLength(ulong start, ulong length) =>
        new(new PhysAddr(start), new PhysAddr(length > ulong.MaxValue - start ? ulong.MaxValue : start + length));

    public bool Contains(PhysAddr address) => address >= Start && address < End;

    public override string ToString() => $"[{Start}, {End})";
}
