namespace NexOS.Runtime.Gc;

/// <summary>
/// The boot heap's card table: one byte per 512 bytes of the boot heap chunk in use when the
/// collected heap started, set by the write barriers (runtime.asm) whenever a reference is
/// stored there. Boot-heap objects are never freed, but the collector must still trace those
/// that hold references into the collected heap. Instead of tracing all of them on every
/// collection, it traces the ones that held such references last time (remembered) and the
/// ones whose cards were written since; see <see cref="ImmortalObjects.TraceRoots"/>.
/// Objects outside the span (boot-heap chunks taken later) are always traced.
/// </summary>
internal static unsafe class BootCards
{
    private const int CardShift = 9;

    private static byte* s_table;
    private static ulong s_base;
    private static ulong s_span;

    /// <summary>Covers the boot heap's current chunk. Interrupts off, once, while the
    /// collected heap initializes; without memory for the table, cards stay off and every
    /// boot-heap object is traced on every collection.</summary>
    public static void Initialize()
    {
        ulong start = BootHeap.CurrentChunkStart & ~((1UL << CardShift) - 1);
        ulong span = BootHeap.CurrentChunkLimit - start;
        var table = (byte*)BootHeap.Allocate((span >> CardShift) + 1);
        if (table == null)
        {
            return;
        }

        s_table = table;
        s_base = start;
        s_span = span;
        RuntimeNative.SetCardTable(table, start, span);
    }

    /// <summary>True when [<paramref name="start"/>, <paramref name="end"/>) lies outside the
    /// span, or a card it touches was written since the last <see cref="ClearWritten"/>.</summary>
    public static bool WrittenOrUncovered(ulong start, ulong end)
    {
        if (s_table == null || start < s_base || end - s_base > s_span || end <= start)
        {
            return true;
        }

        for (ulong card = (start - s_base) >> CardShift; card <= (end - 1 - s_base) >> CardShift; card++)
        {
            if (s_table[card] != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Marks the cards of [<paramref name="start"/>, start + <paramref name="bytes"/>)
    /// as written: the barrier of a bulk copy of references.</summary>
    public static void MarkWritten(ulong start, ulong bytes)
    {
        if (s_table == null || bytes == 0 || start < s_base || start - s_base >= s_span)
        {
            return;
        }

        ulong last = Math.Min(start - s_base + bytes - 1, s_span - 1) >> CardShift;
        for (ulong card = (start - s_base) >> CardShift; card <= last; card++)
        {
            s_table[card] = 1;
        }
    }

    /// <summary>Clears every card up to the boot heap's bump pointer, after a collection has
    /// looked at them all. Interrupts off.</summary>
    public static void ClearWritten()
    {
        if (s_table == null)
        {
            return;
        }

        // Once the boot heap has moved on to another chunk, the whole span may have been written.
        ulong next = BootHeap.Next;
        ulong used = next >= s_base && next - s_base <= s_span ? next - s_base : s_span;
        System.Runtime.InteropServices.NativeMemory.Clear(s_table, (nuint)((used >> CardShift) + 1));
    }
}
