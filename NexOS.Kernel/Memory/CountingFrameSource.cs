using System.Threading;
using NexOS.Core.Memory;
using NexOS.Core.Paging;

namespace NexOS.Kernel.Memory;

/// <summary>
/// A frame source that counts what passes through it: frames held now and the most held at
/// once. One counts every program's frames (<see cref="VirtualMemory.UserFramesInUse"/>); each
/// process has its own in front of it, so that what a process did not give back when it ended
/// is its own figure, whatever the other programs allocate meanwhile.
/// </summary>
internal sealed class CountingFrameSource : IFrameSource
{
    private readonly IFrameSource _inner;
    private long _held;
    private long _peak;

    public CountingFrameSource(IFrameSource inner) => _inner = inner;

    /// <summary>Frames taken and not yet given back.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>The most frames held at once.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    public bool TryAllocateFrame(out PhysAddr frame)
    {
        if (!_inner.TryAllocateFrame(out frame))
        {
            return false;
        }

        long held = Interlocked.Increment(ref _held);
        if (held > _peak)
        {
            _peak = held; // callers serialise with interrupts off; a stale peak only reads low
        }

        return true;
    }

    /// <summary>
    /// Takes <paramref name="pages"/> physically contiguous frames (1 to 1,024), aligned to
    /// the power of two that holds them, for a DMA buffer: each is then given back on its own
    /// with <see cref="FreeFrame"/>, like any other frame. False when no run that long is free.
    /// </summary>
    public bool TryAllocateRun(int pages, out PhysAddr start)
    {
        start = default;
        if (pages < 1 || pages > 1024)
        {
            return false;
        }

        bool ok = _inner is CountingFrameSource counting
            ? counting.TryAllocateRun(pages, out start)
            : PhysicalMemory.TryAllocateRun(pages, out start);
        if (!ok)
        {
            return false;
        }

        long held = Interlocked.Add(ref _held, pages);
        if (held > _peak)
        {
            _peak = held;
        }

        return true;
    }

    public void FreeFrame(PhysAddr frame)
    {
        _inner.FreeFrame(frame);
        Interlocked.Decrement(ref _held);
    }
}
