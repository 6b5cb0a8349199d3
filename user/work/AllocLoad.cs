using NexOS.UserLib;

namespace NexOS.Programs.Work;

/// <summary>
/// The alloc workload: allocation churn of mixed sizes that fragments the program's own
/// collected heap. It keeps two sets of live objects: a short-lived set, replaced at random on
/// every step, and a long-lived set replaced 32 times more slowly, so survivors stay scattered
/// between the dead. Sizes are mostly small (1 byte to 2 KiB, skewed small), with one large
/// object (8 to 64 KiB) in 32. Each object's first and last bytes hold a stamp and its
/// complement; every object is checked when it is replaced, so a collector that freed or
/// overwrote a live object is caught: the program then says so and ends with code 3.
/// </summary>
internal static class AllocLoad
{
    private const int ShortLived = 512;
    private const int LongLived = 256;

    /// <summary>Runs until <paramref name="limitMiB"/> MiB have been allocated (0: until killed).</summary>
    public static int Run(long limitMiB)
    {
        ulong limit = (ulong)limitMiB << 20;
        ulong seed = Time.MonotonicNs | 1;
        var shortLived = new byte[ShortLived][];
        var longLived = new byte[LongLived][];
        ulong allocated = 0;
        int collections = GC.CollectionCount(0);
        for (long step = 0; limit == 0 || allocated < limit; step++)
        {
            byte[] block = new byte[NextSize(ref seed)];
            Stamp(block, step);
            allocated += (ulong)block.Length;
            if (!Replace(shortLived, (int)(Next(ref seed) % ShortLived), block, step))
            {
                return 3;
            }

            if ((step & 31) == 0)
            {
                byte[] survivor = new byte[NextSize(ref seed)];
                Stamp(survivor, step);
                allocated += (ulong)survivor.Length;
                if (!Replace(longLived, (int)(Next(ref seed) % LongLived), survivor, step))
                {
                    return 3;
                }
            }
        }

        Log.WriteLine($"work alloc: {allocated >> 20} MiB allocated, {GC.CollectionCount(0) - collections} collections, no object overwritten");
        return 0;
    }

    /// <summary>Checks the object in <paramref name="slot"/>, then puts <paramref name="block"/> there.</summary>
    private static bool Replace(byte[]?[] set, int slot, byte[] block, long step)
    {
        byte[]? old = set[slot];
        if (old != null && old.Length > 1 && old[0] != (byte)~old[old.Length - 1])
        {
            Log.WriteLine($"work alloc: a live object of {old.Length} bytes was overwritten (found at step {step}): a heap bug");
            return false;
        }

        set[slot] = block;
        return true;
    }

    private static int NextSize(ref ulong seed)
    {
        if (Next(ref seed) % 32 == 0)
        {
            return (8 << 10) + (int)(Next(ref seed) % (56 << 10));
        }

        // The product of two uniform numbers favours small sizes, as real programs do.
        int a = 1 + (int)(Next(ref seed) % 45);
        return a * (1 + (int)(Next(ref seed) % 45));
    }

    // The first and last bytes of a block hold the step's low byte and its complement (a
    // one-byte block holds only the complement and is not checked).
    private static void Stamp(byte[] block, long step)
    {
        block[0] = (byte)step;
        block[block.Length - 1] = (byte)~step;
    }

    /// <summary>xorshift64: a small, allocation-free generator.</summary>
    private static ulong Next(ref ulong state)
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
}
