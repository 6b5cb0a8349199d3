namespace NexOS.Runtime.Gc;

/// <summary>
/// Reads the GC descriptor that ilc emits just below a MethodTable, in 8-byte words
/// (layout in docs/gc-research-notes.md §2): the word at MT-8 is a series count n.
/// <list type="bullet">
/// <item>n &gt; 0: n series of {size, offset} pairs going down from MT-24/MT-16; series i
/// covers [obj + offset, obj + offset + size + objectSize), the size being stored minus the
/// base size so that one series describes an array of any length.</item>
/// <item>n &lt; 0: arrays of structs mixing references and data: MT-16 holds the offset of
/// element 0's first reference and |n| items {u32 count, u32 skip} go down from MT-24; they
/// repeat, element after element, up to the end of the array.</item>
/// </list>
/// The caller guarantees the type has pointers (the flag ilc sets exactly when it emits a
/// descriptor) and that <c>size</c> is the object's unaligned size.
/// </summary>
internal static unsafe class GcDescriptor
{
    public static void VisitReferences(MethodTable* type, ulong obj, ulong size)
    {
        byte* mt = (byte*)type;
        long series = *(long*)(mt - 8);
        if (series > 0)
        {
            for (long i = 0; i < series; i++)
            {
                long length = *(long*)(mt - 24 - (16 * i)) + (long)size;
                long offset = *(long*)(mt - 16 - (16 * i));
                ulong start = obj + (ulong)offset;
                for (ulong p = start; p < start + (ulong)length; p += 8)
                {
                    Marker.MarkExact(*(ulong*)p);
                }
            }

            return;
        }

        if (series < 0)
        {
            VisitRepeating(mt, -series, obj, size);
        }
    }

    private static void VisitRepeating(byte* mt, long items, ulong obj, ulong size)
    {
        ulong p = obj + *(ulong*)(mt - 16);

        // The last 8 bytes of the size are the next object's header, not this one's data.
        ulong end = obj + size - 8;
        while (p < end)
        {
            for (long j = 0; j < items && p < end; j++)
            {
                uint count = *(uint*)(mt - 24 - (8 * j));
                uint skip = *(uint*)(mt - 24 - (8 * j) + 4);
                for (uint k = 0; k < count; k++, p += 8)
                {
                    Marker.MarkExact(*(ulong*)p);
                }

                p += skip;
            }
        }
    }
}
