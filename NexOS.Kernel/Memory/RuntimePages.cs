using NexOS.Core.Memory;
using NexOS.Runtime;

namespace NexOS.Kernel.Memory;

/// <summary>Pages for the runtime layer's collected heap (IRuntimePages): blocks of the frame
/// allocator, used through the identity map. Attached once <see cref="PhysicalMemory"/> is up.</summary>
internal sealed class RuntimePages : IRuntimePages
{
    public bool TryAllocatePages(int order, out ulong address)
    {
        bool ok = PhysicalMemory.TryAllocate(order, out PhysAddr frames);
        address = frames.Value;
        return ok;
    }

    public void FreePages(ulong address, int order) => PhysicalMemory.Free(new PhysAddr(address), order);

    public void GetPageSpan(out ulong start, out ulong end)
    {
        PhysRange covered = PhysicalMemory.Frames!.CoveredRange;
        start = covered.Start.Value;
        end = covered.End.Value;
    }
}
