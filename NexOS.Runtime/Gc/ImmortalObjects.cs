namespace NexOS.Runtime.Gc;

/// <summary>
/// Objects that are never freed: everything allocated before the collected heap is ready
/// (the static bases among them) and the heap's own bookkeeping. They live in the boot heap,
/// which also holds native blocks and so cannot be walked; instead every such object that can
/// hold references is recorded here, and collections trace them as roots: each one that held
/// a reference into the collected heap when last traced, or whose cards were written since
/// (<see cref="BootCards"/>). The low bit of a recorded address says "clean": last traced,
/// it held no reference into the collected heap.
/// </summary>
internal static unsafe class ImmortalObjects
{
    private const ulong CleanBit = 1;

    private static NativeList s_withReferences;
    private static ulong s_count;
    private static ulong s_bytes;
    private static int s_lastTraced;
    private static ulong s_missedBarriers;

    /// <summary>Immortal objects allocated so far.</summary>
    public static ulong Count => System.Threading.Volatile.Read(ref s_count);

    public static ulong Bytes => System.Threading.Volatile.Read(ref s_bytes);

    /// <summary>Those that can hold references: the candidates for tracing.</summary>
    public static int Recorded => s_withReferences.Count;

    /// <summary>How many the last collection traced.</summary>
    public static int LastTraced => s_lastTraced;

    /// <summary>Clean objects found holding references into the collected heap with no card
    /// written, since boot: each is a store that bypassed the write barriers. Counted by the
    /// checking collections (<see cref="TraceSkippedForCheck"/>).</summary>
    public static ulong MissedBarriers => System.Threading.Volatile.Read(ref s_missedBarriers);

    /// <summary>
    /// Traces, as roots, every recorded object that may hold a reference into the collected
    /// heap (see the class summary), updates the clean bits and clears the cards. Interrupts
    /// off, inside a collection.
    /// </summary>
    public static void TraceRoots()
    {
        int traced = 0;
        for (int i = 0; i < s_withReferences.Count; i++)
        {
            ulong entry = s_withReferences[i];
            ulong obj = entry & ~CleanBit;
            if ((entry & CleanBit) != 0 && !BootCards.WrittenOrUncovered(obj, obj + Marker.SizeOf(obj)))
            {
                continue;
            }

            traced++;
            ulong before = Marker.HeapReferencesSeen;
            Marker.Trace(obj);
            s_withReferences.Set(i, Marker.HeapReferencesSeen == before ? obj | CleanBit : obj);
        }

        s_lastTraced = traced;
        BootCards.ClearWritten();
    }

    /// <summary>Traces the clean objects too: none may hold a reference into the collected
    /// heap. One that does is counted in <see cref="MissedBarriers"/>, loses its clean bit, and
    /// what it references is marked, so the miss costs nothing now. The caller drains the mark
    /// stack afterwards.</summary>
    public static void TraceSkippedForCheck()
    {
        for (int i = 0; i < s_withReferences.Count; i++)
        {
            ulong entry = s_withReferences[i];
            if ((entry & CleanBit) == 0)
            {
                continue;
            }

            ulong before = Marker.HeapReferencesSeen;
            Marker.Trace(entry & ~CleanBit);
            if (Marker.HeapReferencesSeen != before)
            {
                s_missedBarriers++;
                s_withReferences.Set(i, entry & ~CleanBit);
            }
        }
    }

    /// <summary>A new object array in the boot heap, where the write barriers' cards matter
    /// (for the self tests); null when the boot heap is exhausted.</summary>
    public static object?[]? NewObjectArray(int length)
    {
        object model = Array.Empty<object?>();
        MethodTable* type = *(MethodTable**)System.Runtime.CompilerServices.Unsafe.As<object, ulong>(ref model);
        ulong size = type->BaseSize + ((ulong)(uint)length * type->ComponentSize);
        ulong address = (ulong)Allocate(type, (size + 7) & ~7UL, length);
        return address == 0 ? null : System.Runtime.CompilerServices.Unsafe.As<ulong, object?[]>(ref address);
    }

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

        ulong flags = RuntimePlatform.DisableInterrupts();
        s_count++;
        s_bytes += aligned;
        bool recorded = !type->ContainsGCPointers || s_withReferences.Add((ulong)obj);
        RuntimePlatform.RestoreInterrupts(flags);
        if (!recorded)
        {
            Panic.Halt("no memory to record an immortal object");
        }

        return obj;
    }
}
