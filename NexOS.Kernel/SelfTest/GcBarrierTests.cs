using System.Threading;
using NexOS.Runtime.Gc;
using Node = NexOS.Kernel.SelfTest.GcTests.Node;

namespace NexOS.Kernel.SelfTest;

/// <summary>
/// Self test of the write barriers' cards: collections skip boot-heap objects that held no
/// reference into the collected heap when last traced, unless a barrier marked their card
/// since, so every way compiled code stores a reference must mark it.
/// </summary>
internal static class GcBarrierTests
{
    // Static bases are made before the collected heap exists: this field lives in the boot heap.
    private static Node? s_boot;

    public static void WrittenReferencesSurvive()
    {
        object?[] immortal = ImmortalObjects.NewObjectArray(16)!;
        s_boot = null;

        // Twice, so the array and the static base are traced, found clean and skipped.
        GC.Collect();
        GC.Collect();
        Expect.True(ImmortalObjects.LastTraced < ImmortalObjects.Recorded, $"clean boot-heap objects skipped: traced {ImmortalObjects.LastTraced} of {ImmortalObjects.Recorded}");
        ulong missed = ImmortalObjects.MissedBarriers;

        Store(immortal);
        for (int round = 0; round < 4; round++)
        {
            // Collections started by allocation, not by request: they trust the cards.
            GcTests.MakeGarbage(6 << 20);
        }

        Expect.Equal(100L * 99 / 2, GcTests.SumList((Node?)immortal[0], "stelem"), "array element store");
        Expect.Equal(7L, ((Node?)immortal[1])?.Value ?? -1, "Interlocked.Exchange");
        Expect.Equal(8L, ((Node?)immortal[2])?.Value ?? -1, "Interlocked.CompareExchange");
        Expect.Equal(9L + 10L, (((Node?)immortal[3])?.Value ?? -100) + (((Node?)immortal[4])?.Value ?? -100), "Array.Copy");
        Expect.Equal(50L * 49 / 2, GcTests.SumList(s_boot, "static"), "static field store");
        GC.Collect();
        Expect.Equal(missed, ImmortalObjects.MissedBarriers, "no store bypassed the barriers");
        s_boot = null;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Store(object?[] immortal)
    {
        immortal[0] = GcTests.BuildList(100, "stelem");
        Interlocked.Exchange(ref immortal[1], new Node(7, "xchg"));
        Interlocked.CompareExchange(ref immortal[2], new Node(8, "cmpxchg"), null);
        object?[] source = { new Node(9, "copy"), new Node(10, "copy") };
        Array.Copy(source, 0, immortal, 3, 2);
        s_boot = GcTests.BuildList(50, "static");
    }
}
