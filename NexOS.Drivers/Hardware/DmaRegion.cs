using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace NexOS.Drivers.Hardware;

/// <summary>
/// Memory a device reads and writes by DMA: physically contiguous, with a known physical base
/// address. In the OS it wraps a mapped, pinned buffer; on the host, a byte array that a fake
/// device shares. The device may change any byte at any time, so drivers treat what they read
/// from it as hostile. The 16/32-bit accessors are volatile (never cached in a register or
/// merged by the compiler) and little-endian; out-of-range or misaligned accesses read zero
/// and drop writes instead of throwing, and <see cref="Fits"/> lets callers check first.
/// </summary>
public sealed class DmaRegion
{
    private readonly Memory<byte> _memory;

    /// <summary>Wraps <paramref name="memory"/>, whose first byte the device sees at
    /// <paramref name="physicalBase"/>. The memory's start should be at least 16-byte aligned
    /// (descriptor tables need it); <see cref="PhysicalBase"/> is what devices check.</summary>
    public DmaRegion(Memory<byte> memory, ulong physicalBase)
    {
        _memory = memory;
        PhysicalBase = physicalBase;
    }

    /// <summary>The device-visible address of byte 0.</summary>
    public ulong PhysicalBase { get; }

    /// <summary>Bytes in the region.</summary>
    public int Length => _memory.Length;

    /// <summary>The whole region as a span (bulk copies of data buffers).</summary>
    public Span<byte> Span => _memory.Span;

    /// <summary>The device-visible address of byte <paramref name="offset"/>.</summary>
    public ulong PhysicalAddress(int offset) => PhysicalBase + (ulong)offset;

    /// <summary>True when [<paramref name="offset"/>, + <paramref name="length"/>) lies in the region.</summary>
    public bool Fits(int offset, int length) => offset >= 0 && length >= 0 && offset <= Length - length;

    /// <summary>Reads a little-endian 16-bit value with a volatile load; 0 when out of range
    /// or misaligned.</summary>
    public ushort ReadUInt16(int offset)
    {
        if (!Fits(offset, 2) || (offset & 1) != 0)
        {
            return 0;
        }

        ushort raw = Volatile.Read(ref Unsafe.As<byte, ushort>(ref Ref(offset)));
        return BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw);
    }

    /// <summary>Writes a little-endian 16-bit value with a volatile store; dropped when out of
    /// range or misaligned.</summary>
    public void WriteUInt16(int offset, ushort value)
    {
        if (Fits(offset, 2) && (offset & 1) == 0)
        {
            Volatile.Write(ref Unsafe.As<byte, ushort>(ref Ref(offset)), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        }
    }

    /// <summary>Reads a little-endian 32-bit value with a volatile load; 0 when out of range
    /// or misaligned.</summary>
    public uint ReadUInt32(int offset)
    {
        if (!Fits(offset, 4) || (offset & 3) != 0)
        {
            return 0;
        }

        uint raw = Volatile.Read(ref Unsafe.As<byte, uint>(ref Ref(offset)));
        return BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw);
    }

    /// <summary>Writes a little-endian 32-bit value with a volatile store; dropped when out of
    /// range or misaligned.</summary>
    public void WriteUInt32(int offset, uint value)
    {
        if (Fits(offset, 4) && (offset & 3) == 0)
        {
            Volatile.Write(ref Unsafe.As<byte, uint>(ref Ref(offset)), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        }
    }

    /// <summary>Reads a little-endian 64-bit value (not atomic with respect to the device;
    /// used for fields the device does not change while the driver reads them); 0 when out
    /// of range.</summary>
    public ulong ReadUInt64(int offset) =>
        Fits(offset, 8) ? BinaryPrimitives.ReadUInt64LittleEndian(_memory.Span.Slice(offset, 8)) : 0;

    /// <summary>Writes a little-endian 64-bit value; dropped when out of range.</summary>
    public void WriteUInt64(int offset, ulong value)
    {
        if (Fits(offset, 8))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_memory.Span.Slice(offset, 8), value);
        }
    }

    /// <summary>Reads one byte; 0 when out of range.</summary>
    public byte ReadByte(int offset) => Fits(offset, 1) ? Volatile.Read(ref Ref(offset)) : (byte)0;

    /// <summary>Writes one byte; dropped when out of range.</summary>
    public void WriteByte(int offset, byte value)
    {
        if (Fits(offset, 1))
        {
            Volatile.Write(ref Ref(offset), value);
        }
    }

    /// <summary>A full fence: no load or store moves across it, in the compiler or the CPU.
    /// Drivers put one between filling a structure and publishing it to the device, and
    /// between seeing the device's index move and reading what it published.</summary>
    public static void Fence() => Interlocked.MemoryBarrier();

    private ref byte Ref(int offset) => ref Unsafe.Add(ref MemoryMarshal.GetReference(_memory.Span), offset);
}
