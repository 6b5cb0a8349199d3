using NexOS.Kernel.Metrics;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Workloads;

/// <summary>
/// The kernel's allocation churn, which `gc churn` runs on the kernel's own collected heap
/// (the `alloc` workload a person starts with `spawn` is a process, `user/work`, churning its
/// own heap): allocation churn of mixed sizes that fragments memory. It keeps two
/// sets of live objects: a short-lived set, replaced at random on every step, and a
/// long-lived set replaced 32 times more slowly, so survivors stay scattered across pages
/// between the dead. Sizes are mostly small (16 bytes to 2 KiB, skewed small), with one large
/// object (8 to 64 KiB) in 32. A step also checks a word it wrote into an object it allocated
/// earlier, so a collector that freed or overwrote a live object is caught.
/// </summary>
internal static class AllocWorkload
{
    private const int ShortLived = 512;
    private const int LongLived = 256;

    /// <summary>Runs until killed, or until <paramref name="totalBytes"/> have been
    /// allocated when that is not 0. Returns the bytes allocated.</summary>
    public static ulong Run(ulong totalBytes = 0)
    {
        KernelThread me = Scheduler.Current;
        var random = new Random(me.Id * 7919);
        var shortLived = new byte[ShortLived][];
        var longLived = new byte[LongLived][];
        ulong allocated = 0;
        for (long step = 0; !me.KillRequested && (totalBytes == 0 || allocated < totalBytes); step++)
        {
            byte[] block = new byte[NextSize(random)];
            Stamp(block, step);
            allocated += (ulong)block.Length;
            _ = KernelMetrics.AllocWorkloadBytes.Add(block.Length);
            int slot = random.Next(ShortLived);
            Check(shortLived[slot]);
            shortLived[slot] = block;
            if ((step & 31) == 0)
            {
                slot = random.Next(LongLived);
                Check(longLived[slot]);
                longLived[slot] = new byte[NextSize(random)];
                Stamp(longLived[slot], step);
            }
        }

        return allocated;
    }

    private static int NextSize(Random random)
    {
        if (random.Next(32) == 0)
        {
            return random.Next(8 << 10, 64 << 10);
        }

        // The product of two uniform numbers favours small sizes, as real programs do.
        int a = random.Next(1, 46);
        return a * random.Next(1, 46);
    }

    // The first and last bytes of a block hold the step's low byte and its complement.
    private static void Stamp(byte[] block, long step)
    {
        block[0] = (byte)step;
        block[^1] = (byte)~step;
    }

    private static void Check(byte[]? block)
    {
        if (block != null && block.Length > 1 && block[0] != (byte)~block[^1])
        {
            KernelMetrics.AllocWorkloadCorrupted.Increment();
        }
    }
}
