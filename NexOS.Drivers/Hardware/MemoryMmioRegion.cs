using System.Buffers.Binary;

namespace NexOS.Drivers.Hardware;

/// <summary>
/// An <see cref="IMmioRegion"/> over an ordinary byte array: the stand-in for device memory in
/// tests, and a shadow buffer (for example a framebuffer's back buffer) in the OS.
/// </summary>
public sealed class MemoryMmioRegion : IMmioRegion
{
    private readonly byte[] _bytes;

    /// <summary>Wraps <paramref name="bytes"/> (not copied: writes land in the array).</summary>
    public MemoryMmioRegion(byte[] bytes)
    {
        _bytes = bytes;
    }

    /// <summary>Allocates a zeroed region of <paramref name="length"/> bytes (negative gives 0).</summary>
    public MemoryMmioRegion(int length)
        : this(new byte[Math.Max(0, length)])
    {
    }

    /// <summary>The array behind the region.</summary>
    public byte[] Bytes => _bytes;

    /// <inheritdoc/>
    public ulong Length => (ulong)_bytes.Length;

    /// <inheritdoc/>
    public byte Read8(ulong offset) => Fits(offset, 1) ? _bytes[(int)offset] : byte.MaxValue;

    /// <inheritdoc/>
    public ushort Read16(ulong offset) =>
        Fits(offset, 2) ? BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)offset)) : ushort.MaxValue;

    /// <inheritdoc/>
    public uint Read32(ulong offset) =>
        Fits(offset, 4) ? BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)offset)) : uint.MaxValue;

    /// <inheritdoc/>
    public ulong Read64(ulong offset) =>
        Fits(offset, 8) ? BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)offset)) : ulong.MaxValue;

    /// <inheritdoc/>
    public void Write8(ulong offset, byte value)
    {
        if (Fits(offset, 1))
        {
            _bytes[(int)offset] = value;
        }
    }

    /// <inheritdoc/>
    public void Write16(ulong offset, ushort value)
    {
        if (Fits(offset, 2))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan((int)offset), value);
        }
    }

    /// <inheritdoc/>
    public void Write32(ulong offset, uint value)
    {
        if (Fits(offset, 4))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan((int)offset), value);
        }
    }

    /// <inheritdoc/>
    public void Write64(ulong offset, ulong value)
    {
        if (Fits(offset, 8))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan((int)offset), value);
        }
    }

    /// <inheritdoc/>
    public void Fill32(ulong offset, int count, uint value)
    {
        if (Mmio.FitsRun(offset, count, Length))
        {
            Span<uint> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(_bytes.AsSpan((int)offset, count * 4));
            words.Fill(BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        }
    }

    // Written so that no sum can overflow: offset is compared against what is left.
    private bool Fits(ulong offset, int size) => (ulong)_bytes.Length >= (ulong)size && offset <= (ulong)_bytes.Length - (ulong)size;
}
