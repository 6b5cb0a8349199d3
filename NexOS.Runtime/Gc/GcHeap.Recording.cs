using System.Runtime.CompilerServices;
using NexOS.Core.Heap;

namespace NexOS.Runtime.Gc;

/// <summary>
/// The allocation recorder: while on, counts the objects allocated per size class between
/// collections, and at each collection what survived per class and in how many pages, into a
/// fixed native buffer of <see cref="RecordEpochs"/> epochs (the flat form of
/// <see cref="AllocationRecording"/>) taken once, at the first start. The allocation path pays
/// one test of a flag when the recorder is off and one native increment when it is on; it
/// never allocates or throws. The collector adds one walk over the page index when on.
/// Off by default; the buffer filling up stops it.
/// </summary>
internal static unsafe partial class GcHeap
{
    /// <summary>Epochs the buffer holds (about 67 KiB).</summary>
    public const int RecordEpochs = 256;

    private static bool s_recording;
    private static bool s_recordArmed;
    private static bool s_recordFull;
    private static uint* s_recordWords;
    private static uint* s_recordOpen;
    private static int s_recordClosed;
    private static ulong s_recordLarge;

    /// <summary>True while the recorder counts.</summary>
    public static bool Recording => System.Threading.Volatile.Read(ref s_recording);

    /// <summary>True when the recorder stopped because its buffer was full.</summary>
    public static bool RecordingFull => s_recordFull;

    /// <summary>Epochs closed by a collection so far.</summary>
    public static int RecordedCollections => System.Threading.Volatile.Read(ref s_recordClosed);

    /// <summary>Large objects counted while recording (not part of a trace).</summary>
    public static ulong RecordedLargeObjects => System.Threading.Volatile.Read(ref s_recordLarge);

    /// <summary>The allocation path's part: one count in the open epoch. Interrupts or
    /// preemption are off (the caller's), so the increment is atomic on the one processor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountAllocation(int sizeClass)
    {
        if (sizeClass >= 0)
        {
            s_recordOpen[sizeClass]++;
        }
        else
        {
            s_recordLarge++;
        }
    }

    /// <summary>
    /// Starts a recording from scratch: arms the recorder and collects, and that collection
    /// writes the first epoch (the heap as it is: each class's pages and what lives in them)
    /// and turns counting on. False when the buffer cannot be had or the collection could not
    /// run here. Call from a thread, not an interrupt handler.
    /// </summary>
    public static bool StartRecording()
    {
        ulong flags = RuntimePlatform.DisableInterrupts();
        if (s_recordWords == null)
        {
            s_recordWords = (uint*)BootHeap.Allocate((ulong)RecordEpochs * AllocationRecording.EpochWords * sizeof(uint));
        }

        bool ok = s_recordWords != null;
        if (ok)
        {
            s_recording = false;
            s_recordFull = false;
            s_recordClosed = 0;
            s_recordLarge = 0;
            s_recordArmed = true;
        }

        RuntimePlatform.RestoreInterrupts(flags);
        if (ok)
        {
            Collector.Collect(CollectionReason.Explicit);
        }

        s_recordArmed = false;
        return ok && Recording;
    }

    /// <summary>Stops counting; what was recorded stays until the next start.</summary>
    public static void StopRecording()
    {
        ulong flags = RuntimePlatform.DisableInterrupts();
        s_recording = false;
        s_recordArmed = false;
        RuntimePlatform.RestoreInterrupts(flags);
    }

    /// <summary>
    /// Copies the recorded epochs (the open one last, when it exists) into a new array in the
    /// flat form: allocated outside the interrupts-off copy, so no collection can add an
    /// epoch halfway. Returns the words copied.
    /// </summary>
    public static uint[] RecordedWords()
    {
        var copy = new uint[RecordEpochs * AllocationRecording.EpochWords];
        ulong flags = RuntimePlatform.DisableInterrupts();
        int epochs = s_recordWords == null || s_recordClosed == 0 ? 0 : Math.Min(RecordEpochs, s_recordClosed + (s_recordFull ? 0 : 1));
        int words = epochs * AllocationRecording.EpochWords;
        for (int i = 0; i < words; i++)
        {
            copy[i] = s_recordWords[i];
        }

        RuntimePlatform.RestoreInterrupts(flags);
        return words == copy.Length ? copy : copy.AsSpan(0, words).ToArray();
    }

    /// <summary>The collector's part, at the end of the sweep (interrupts off): closes the
    /// open epoch with each class's survivors and occupied pages, or writes the first epoch
    /// when the recorder was just armed, then opens the next.</summary>
    private static void RecordCollection()
    {
        uint* e = s_recordWords + ((long)s_recordClosed * AllocationRecording.EpochWords);
        const int n = SizeClasses.Count;
        if (s_recordArmed)
        {
            System.Runtime.InteropServices.NativeMemory.Clear(e, (nuint)(AllocationRecording.EpochWords * sizeof(uint)));
        }

        for (int i = 0; i < s_index.Count; i++)
        {
            HeapPage page = s_index.PageAt(i);
            if (page.IsEmpty)
            {
                continue; // a spare: holds nothing
            }

            int c = page.SizeClass;
            if (s_recordArmed)
            {
                e[c] += (uint)page.Capacity; // the first epoch: the pages as if filled
            }

            e[n + c] += (uint)page.Count;
            e[(2 * n) + c]++;
        }

        e[AllocationRecording.EpochWords - 1] = 1;
        s_recordArmed = false;
        s_recordClosed++;
        if (s_recordClosed >= RecordEpochs)
        {
            s_recording = false;
            s_recordFull = true;
            return;
        }

        s_recordOpen = e + AllocationRecording.EpochWords;
        System.Runtime.InteropServices.NativeMemory.Clear(s_recordOpen, (nuint)(AllocationRecording.EpochWords * sizeof(uint)));
        s_recording = true;
    }
}
