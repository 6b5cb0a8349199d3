using System.Runtime.CompilerServices;

namespace NexOS.Kernel.Debugging;

/// <summary>
/// Where a debugger attached to the machine (gdb on QEMU's stub, tools/gdb/nexos.py) finds
/// the kernel's thread and process lists. It holds the addresses of those list objects in a
/// fixed record, the only non-GC static of this class, so it sits at the ELF symbol
/// <c>__NONGCSTATICSNexOS_Kernel_NexOS_Kernel_Debugging_DebuggerView</c> (the class has no
/// static constructor, so nothing precedes it). The collector never moves objects, and the
/// lists are held by their owners' static fields, so the addresses stay valid for the whole
/// boot. The debugger reads everything else (names, states, stacks) from the objects through
/// the kernel's DWARF type information (docs/debugging.md).
/// </summary>
internal static unsafe class DebuggerView
{
    /// <summary>"NEXOSDBG" in little-endian order: tells the debugger it found the record.</summary>
    public const ulong Magic = 0x4742_4453_4F58_454E;

    /// <summary>Raised when the record's layout changes; tools/gdb/nexos.py checks it.</summary>
    public const uint Version = 1;

    /// <summary>What a slot of the record points to.</summary>
    public enum Slot
    {
        /// <summary>The scheduler's List&lt;KernelThread?&gt; indexed by thread id.</summary>
        Threads,

        /// <summary>The process table's List&lt;Process&gt;.</summary>
        Processes,
    }

    private static Record s_record;

    /// <summary>Makes <paramref name="list"/> the object the debugger reads for <paramref name="slot"/>.</summary>
    public static void Publish(Slot slot, object list)
    {
        ulong address = Unsafe.As<object, ulong>(ref list);
        if (slot == Slot.Threads)
        {
            s_record.Threads = address;
        }
        else
        {
            s_record.Processes = address;
        }

        s_record.Version = Version;
        s_record.Size = (uint)sizeof(Record);
        s_record.Magic = Magic;
    }

    /// <summary>The record as the debugger reads it: offsets 0, 8, 12, 16 and 24.</summary>
    private struct Record
    {
        public ulong Magic;
        public uint Version;
        public uint Size;
        public ulong Threads;
        public ulong Processes;
    }
}
