using System.Runtime.CompilerServices;
using NexOS.Kernel.Threading;
using NexOS.Runtime.Gc;

namespace NexOS.Kernel.SelfTest;

/// <summary>Self tests of the garbage collector: what is reachable survives intact, whatever
/// way it is reached; what is not is freed and its memory reused; weak handles let go.</summary>
internal static class GcTests
{
    private static object? s_static;

    [ThreadStatic]
    private static Node? s_threadList;

    private struct Mixed
    {
        public int Number;
        public string? Text;
        public long Wide;
        public Node? Link;
    }

    public static void Register()
    {
        SelfTestRunner.Add("collected heap: small and large objects", SmallAndLarge);
        SelfTestRunner.Add("collection frees garbage", FreesGarbage);
        SelfTestRunner.Add("collection keeps every kind of reference", KeepsReachable);
        SelfTestRunner.Add("collection scans other threads' stacks and statics", OtherThreads);
        SelfTestRunner.Add("weak references", WeakReferences);
        SelfTestRunner.Add("allocation churn keeps memory flat", ChurnIsFlat);
        SelfTestRunner.Add("boot-heap objects keep what is written into them", GcBarrierTests.WrittenReferencesSurvive);
    }

    private static void SmallAndLarge()
    {
        ulong objects = GcHeap.TotalObjects;
        int runs = GcHeap.LargeObjects.Count;
        var big = new byte[1 << 20];
        big[^1] = 1;
        var small = new object();
        Expect.True(GcHeap.TotalObjects >= objects + 2, "objects counted");
        Expect.True(GcHeap.LargeObjects.Count > runs, "a 1 MiB array is a large object");
        Expect.True(GcHeap.IsInSmallObjectPage(small), "a small object lives in a heap page");
        GC.KeepAlive(big);
    }

    private static void FreesGarbage()
    {
        GC.Collect();
        ulong baseline = GcHeap.LiveBytes;
        int collections = GcStatistics.Collections;
        MakeGarbage(4 << 20);
        GC.Collect();
        Expect.True(GcStatistics.Collections > collections, "collections ran");
        Expect.True(GcHeap.LiveBytes < baseline + (512 << 10), $"garbage freed: live {baseline} -> {GcHeap.LiveBytes} bytes");
        Expect.Equal(0UL, Marker.StrayReferences, "no reference named a non-object");
    }

    private static void KeepsReachable()
    {
        Node list = BuildList(5000, "node");
        var table = new Dictionary<string, int[]>();
        for (int i = 0; i < 300; i++)
        {
            table["key" + i.ToString()] = new[] { i, i * 2 };
        }

        var mixed = new Mixed[64];
        for (int i = 0; i < mixed.Length; i++)
        {
            mixed[i] = new Mixed { Number = i, Text = i.ToString(), Wide = -i, Link = new Node(i, "m") };
        }

        var grid = new object[3, 4];
        grid[2, 3] = "corner";
        s_static = new List<string> { "static", "root" };
        for (int round = 0; round < 3; round++)
        {
            MakeGarbage(1 << 20);
            GC.Collect();
        }

        Expect.Equal(5000L * 4999 / 2, SumList(list, "node"), "linked list intact");
        long sum = 0;
        for (int i = 0; i < 300; i++)
        {
            sum += table["key" + i.ToString()][1];
        }

        Expect.Equal(299L * 300, sum, "dictionary of arrays intact");
        bool mixedOk = true;
        for (int i = 0; i < mixed.Length; i++)
        {
            mixedOk &= mixed[i].Number == i && mixed[i].Text == i.ToString() && mixed[i].Wide == -i && mixed[i].Link!.Value == i;
        }

        Expect.True(mixedOk, "array of structs with references intact");
        Expect.True((string?)grid[2, 3] == "corner", "two-dimensional array intact");
        Expect.Equal("root", ((List<string>)s_static)[1], "static root intact");
    }

    private static void OtherThreads()
    {
        var ready = new KernelSemaphore(0);
        var go = new KernelSemaphore(0);
        long fromStack = -1;
        long fromThreadStatic = -1;
        KernelThread t = Scheduler.Spawn("gc-holder", () =>
        {
            Node mine = BuildList(2000, "held");
            s_threadList = BuildList(1000, "tls");
            ready.Release();
            go.Wait();
            fromStack = SumList(mine, "held");
            fromThreadStatic = SumList(s_threadList, "tls");
        });
        ready.Wait();
        MakeGarbage(2 << 20);
        GC.Collect();
        MakeGarbage(2 << 20);
        GC.Collect();
        go.Release();
        Scheduler.Join(t);
        Expect.Equal(2000L * 1999 / 2, fromStack, "a list only another thread's stack holds");
        Expect.Equal(1000L * 999 / 2, fromThreadStatic, "a list only another thread's [ThreadStatic] holds");
    }

    private static void WeakReferences()
    {
        var kept = new object();
        WeakReference keptRef = new(kept);
        WeakReference lostRef = MakeWeakToGarbage();
        for (int i = 0; i < 3 && lostRef.IsAlive; i++)
        {
            GC.Collect();
        }

        Expect.True(!lostRef.IsAlive, "a weakly held object is collected and its handle cleared");
        Expect.True(keptRef.Target == kept, "a strongly held object stays");
        ulong finalized = Finalization.EagerlyFinalized;
        DropWeakReferences(100);
        GC.Collect();
        Expect.True(Finalization.EagerlyFinalized >= finalized + 90, "dead WeakReferences free their handles");
        GC.KeepAlive(kept);
    }

    private static void ChurnIsFlat()
    {
        GC.Collect();
        ulong committed = GcHeap.CommittedBytes;
        long freeFrames = Memory.PhysicalMemory.Frames!.FreeFrames;
        int collections = GcStatistics.Collections;
        var live = new object[256];
        var random = new Random(11);
        ulong allocated = 0;
        ulong target = 64UL << 20;
        while (allocated < target)
        {
            int size = random.Next(8) == 0 ? random.Next(8192, 40000) : random.Next(1, 600);
            live[random.Next(live.Length)] = new byte[size];
            allocated += (ulong)size;
        }

        GC.Collect();
        Expect.True(GcStatistics.Collections - collections >= 4, "the churn triggered collections by itself");
        Expect.True(GcHeap.CommittedBytes <= committed + (8UL << 20), $"heap flat: {committed} -> {GcHeap.CommittedBytes} bytes committed");
        long lost = freeFrames - Memory.PhysicalMemory.Frames.FreeFrames;
        Expect.True(lost < 2048, $"frames returned: {lost} fewer free frames than before");
        GC.KeepAlive(live);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference MakeWeakToGarbage() => new(new Node(1, "weak"));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropWeakReferences(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _ = new WeakReference(new object());
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void MakeGarbage(int bytes)
    {
        for (int made = 0; made < bytes; made += 100)
        {
            _ = new Node(made, "garbage");
            _ = new int[17];
        }
    }

    internal static Node BuildList(int count, string tag)
    {
        Node? head = null;
        for (int i = 0; i < count; i++)
        {
            head = new Node(i, tag) { Next = head };
        }

        return head!;
    }

    internal static long SumList(Node? node, string tag)
    {
        long sum = 0;
        for (; node != null; node = node.Next)
        {
            sum += node.Tag == tag ? node.Value : 1_000_000_000;
        }

        return sum;
    }

    internal sealed class Node(int value, string tag)
    {
        public int Value { get; } = value;

        public string Tag { get; } = tag;

        public Node? Next { get; set; }
    }
}
