using NexOS.Kernel.Core.Threading;

namespace NexOS.Kernel.Runtime.Gc;

/// <summary>
/// Objects that are never freed: everything allocated before the collected heap is ready
/// (the static bases among them) and the heap's own bookkeeping. They live in the boot heap,
/// which also holds native blocks and so cannot be walked; instead every such object that can
/// hold references is recorded here, and each collection traces them all as roots.
/// </summary>
internal static unsafe class ImmortalObjects
{
    private static NativeList s_withReferences;
    private static ulong s_count;
    private static ulong s_bytes;

    /// <summary>Immortal objects allocated so far.</summary>
    public static ulong Count => System.Threading.Volatile.Read(ref s_count);

    public static ulong Bytes => System.Threading.Volatile.Read(ref s_bytes);

    /// <summary>Those the collector traces on every collection.</summary>
    public static int Traced => s_withReferences.Count;

    /// <summary>The address of the <paramref name="index"/>th recorded object (below
    /// <see cref="Traced"/>).</summary>
    public static ulong At(int index) => s_withReferences[index];

    /// <summary>Allocates an immortal object (see <see cref="GcHeap.Allocate"/> for the
    /// arguments); null when the boot heap is exhausted.</summary>
    public static void* Allocate(MethodTable* type, ulong aligned, int length)
    {
        void* obj = BootHeap.Allocate(aligned);
        if (obj == null)
        {
            return null;
        }

        *(MethodTable**)obj = type;
        if (length >= 0)
        {
            *(int*)((byte*)obj + 8) = length;
        }

        ulong flags = InterruptState.Disable();
        s_count++;
        s_bytes += aligned;
        bool recorded = !type->ContainsGCPointers || s_withReferences.Add((ulong)obj);
        InterruptState.Restore(flags);
        if (!recorded)
        {
            Panic.Halt("no memory to record an immortal object");
        }

        return obj;
    }
}
