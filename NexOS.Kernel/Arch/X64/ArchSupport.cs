using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// What the arch layer needs from above without naming it: memory for the CPU's tables
/// (GDT, TSS and IST stacks, IDT, interrupt tables, the per-CPU block), taken once at boot
/// from an allocator the composition root passes in (the runtime layer's boot heap), and a
/// stop for a broken invariant found while setting the CPU up.
/// </summary>
internal static unsafe class ArchSupport
{
    private static delegate*<ulong, void*> s_allocate;

    /// <summary>Sets the allocator; called first thing at boot, before any Initialize here.
    /// The memory it returns must stay put and mapped for good.</summary>
    public static void UseAllocator(delegate*<ulong, void*> allocate) => s_allocate = allocate;

    /// <summary>At least <paramref name="size"/> bytes for good, or a halt with
    /// <paramref name="failure"/> when there is no allocator or no memory.</summary>
    public static void* Allocate(ulong size, string failure)
    {
        void* p = s_allocate == null ? null : s_allocate(size);
        if (p == null)
        {
            Halt(failure);
        }

        return p;
    }

    /// <summary>Reports <paramref name="message"/> on COM1 (polled) and stops the CPU.</summary>
    public static void Halt(string message)
    {
        Native.DisableInterrupts();
        DebugSerial.Write("\n*** NexOS panic: ");
        DebugSerial.Write(message);
        DebugSerial.Write("\n");
        while (true)
        {
            Native.Halt();
        }
    }
}
