namespace NexOS.Net;

/// <summary>
/// A fixed ring of bytes: a TCP connection's send buffer (data written and not yet
/// acknowledged) and receive buffer (data in order and not yet read, with room past it where
/// out-of-order segments wait). Nothing allocates after construction.
/// </summary>
public sealed class ByteRing
{
    private readonly byte[] _bytes;
    private int _start;

    public ByteRing(int capacity) => _bytes = new byte[capacity];

    public int Capacity => _bytes.Length;

    /// <summary>Bytes held from the start.</summary>
    public int Count { get; private set; }

    public int Free => _bytes.Length - Count;

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        WriteAt(Count, data[..n]);
        Count += n;
        return n;
    }

    /// <summary>Copies <paramref name="data"/> to <paramref name="offset"/> bytes past the start
    /// (inside the capacity), without changing <see cref="Count"/>: an out-of-order segment
    /// placed ahead of the data in order.</summary>
    public void WriteAt(int offset, ReadOnlySpan<byte> data)
    {
        int at = (_start + offset) % _bytes.Length;
        int first = Math.Min(data.Length, _bytes.Length - at);
        data[..first].CopyTo(_bytes.AsSpan(at));
        data[first..].CopyTo(_bytes);
    }

    /// <summary>Counts <paramref name="n"/> bytes already placed after the data as held (they
    /// were written with <see cref="WriteAt"/>).</summary>
    public void Extend(int n) => Count = Math.Min(_bytes.Length, Count + n);

    /// <summary>Copies bytes from <paramref name="offset"/> past the start into
    /// <paramref name="destination"/>; returns how many (at most those held after the offset).</summary>
    public int Peek(int offset, Span<byte> destination)
    {
        int n = Math.Max(0, Math.Min(destination.Length, Count - offset));
        int at = (_start + offset) % _bytes.Length;
        int first = Math.Min(n, _bytes.Length - at);
        _bytes.AsSpan(at, first).CopyTo(destination);
        _bytes.AsSpan(0, n - first).CopyTo(destination[first..]);
        return n;
    }

    /// <summary>Drops <paramref name="n"/> bytes from the start.</summary>
    public void Discard(int n)
    {
        n = Math.Min(n, Count);
        _start = (_start + n) % _bytes.Length;
        Count -= n;
    }

    /// <summary>Moves up to <paramref name="destination"/>.Length bytes out; returns how many.</summary>
    public int Read(Span<byte> destination)
    {
        int n = Peek(0, destination);
        Discard(n);
        return n;
    }
}
