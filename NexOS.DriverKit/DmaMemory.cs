using System.Buffers;
using NexOS.Abi;
using NexOS.Drivers.Hardware;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>
/// Physically contiguous memory from DmaAllocate, as the portable <see cref="DmaRegion"/>.
/// The memory stays mapped for the program's life: devices keep the physical address, so it
/// is never given back while the device might still use it.
/// </summary>
public sealed unsafe class DmaMemory : MemoryManager<byte>
{
    private readonly byte* _base;
    private readonly int _length;

    private DmaMemory(byte* memory, int length)
    {
        _base = memory;
        _length = length;
    }

    /// <summary>Allocates <paramref name="length"/> bytes (at most 4 MiB) for the device the
    /// MMIO capability in <paramref name="mmio"/> names; null with the kernel's refusal in
    /// <paramref name="status"/> when it cannot.</summary>
    public static DmaRegion? Allocate(int mmio, int length, out SyscallStatus status)
    {
        long address = Devices.AllocateDma(mmio, (ulong)length, out ulong physical);
        if (address < 0)
        {
            status = (SyscallStatus)(-address);
            return null;
        }

        status = SyscallStatus.Ok;
        return new DmaRegion(new DmaMemory((byte*)address, length).Memory, physical);
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan() => new(_base, _length);

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0) => new(_base + elementIndex);

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
    }
}
