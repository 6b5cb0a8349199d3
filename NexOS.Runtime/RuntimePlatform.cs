using System.Diagnostics.CodeAnalysis;

namespace NexOS.Runtime;

/// <summary>
/// The seam between the runtime layer, whose source the kernel and every user program share,
/// and the platform under it. Each home implements every member in a file of its own: the
/// kernel in NexOS.Kernel/Platform/RuntimePlatform.Kernel.cs (frame allocator, scheduler,
/// interrupt flag, COM1), user programs in NexOS.UserLib/Runtime/RuntimePlatform.User.cs
/// (system calls, one thread). A member missing in either home fails that home's build.
/// </summary>
internal static unsafe partial class RuntimePlatform
{
    /// <summary>Takes 4 KiB &lt;&lt; <paramref name="order"/> bytes of readable and writable
    /// memory aligned to their size, for the collected heap; false when none is left. The
    /// address must lie in <see cref="GetPageSpan"/>.</summary>
    public static partial bool TryAllocatePages(int order, out ulong address);

    /// <summary>Anonymous zeroed memory for the class library's mmap shim: page aligned,
    /// <paramref name="length"/> bytes, with POSIX PROT_* <paramref name="protection"/>; null
    /// when it cannot be had.</summary>
    public static partial void* MapMemory(ulong length, int protection);

    /// <summary>Gives back memory <see cref="MapMemory"/> returned; false (nothing changed)
    /// when the platform cannot.</summary>
    public static partial bool UnmapMemory(void* address, ulong length);

    /// <summary>Changes the access of memory <see cref="MapMemory"/> returned; false (nothing
    /// changed) when the platform cannot give that access.</summary>
    public static partial bool ProtectMemory(void* address, ulong length, int protection);

    /// <summary>Gives back a block <see cref="TryAllocatePages"/> returned, with its order.
    /// The caller guarantees that nothing refers to the block any more.</summary>
    public static partial void FreePages(ulong address, int order);

    /// <summary>The range every block <see cref="TryAllocatePages"/> can return lies in: the
    /// size of the collector's page map. Asked once, when the collected heap starts.</summary>
    public static partial void GetPageSpan(out ulong start, out ulong end);

    /// <summary>Nanoseconds on a clock that never goes backwards.</summary>
    public static partial ulong NowNs();

    /// <summary>Nanoseconds since the platform started (the class library's timestamps).</summary>
    public static partial ulong NanosecondsSinceStart();

    /// <summary>A value that differs from run to run (a seed, not a secret).</summary>
    public static partial ulong Entropy();

    /// <summary>Makes what follows atomic with respect to every other thread and interrupt
    /// handler of this address space; returns what <see cref="RestoreInterrupts"/> needs.</summary>
    public static partial ulong DisableInterrupts();

    public static partial void RestoreInterrupts(ulong flags);

    /// <summary>Keeps the running thread on the processor until the matching
    /// <see cref="EnablePreemption"/> (interrupts may still be taken).</summary>
    public static partial void DisablePreemption();

    public static partial void EnablePreemption();

    /// <summary>How long a collection starting now may pause without a real-time thread
    /// missing its deadline (ulong.MaxValue when nothing has one).</summary>
    public static partial ulong RealTimeSlackNs(ulong now);

    /// <summary>The allocation budget until the next collection, given the one the tunables
    /// propose (the kernel lets its evolution hooks adjust it).</summary>
    public static partial ulong GcBudget(ulong proposed, ulong live, ulong committed, ulong total, long minimumKib, long growthPercent);

    /// <summary>Called after every collection with its pause.</summary>
    public static partial void OnCollection(ulong pauseNs);

    /// <summary>True when <paramref name="sp"/> lies on the running thread's own stack, so a
    /// collection started here can find all of this thread's references.</summary>
    public static partial bool IsOnOwnStack(ulong sp);

    /// <summary>Reports every thread's roots to the collector: the running thread's stack from
    /// <paramref name="sp"/> up, every other thread's from its saved stack pointer up (both
    /// with <see cref="Gc.Marker.ScanRange"/>), and each thread's thread-static block (with
    /// <see cref="Gc.Collector.ScanThreadStatics"/>). Interrupts are off.</summary>
    public static partial void ScanThreads(ulong sp);

    /// <summary>An identifier of the running thread, never 0.</summary>
    public static partial ulong CurrentThreadId();

    /// <summary>The running thread's stack, [low, high).</summary>
    public static partial void GetCurrentStackBounds(out ulong low, out ulong high);

    /// <summary>Gives up the processor; false when there was nothing to yield to.</summary>
    public static partial bool Yield();

    /// <summary>A spin-wait hint to the processor.</summary>
    public static partial void Pause();

    /// <summary>Writes diagnostic text (the kernel's COM1, a program's log). Must neither
    /// allocate nor throw: it is used on the way to a panic.</summary>
    public static partial void Write(ReadOnlySpan<byte> text);

    /// <summary>The same for UTF-16 text; characters above 0x7F are written as '?'.</summary>
    public static partial void Write(string? text);

    /// <summary>The image's file name as UTF-8 (stack traces name frames without metadata
    /// after it): sets <paramref name="name"/> to bytes that stay valid for good and returns
    /// their length, or sets it to null and returns 0.</summary>
    public static partial int ModuleFileName(byte** name);

    /// <summary>Writes what is known about a code address (a symbol name and offset), or
    /// nothing.</summary>
    public static partial void WriteLocation(ulong address);

    /// <summary>Stops for good after a panic has been reported: the kernel halts the
    /// processor, a program ends with <see cref="PanicExitCode"/>.</summary>
    [DoesNotReturn]
    public static partial void Stop();

    /// <summary>The exit code of a program that panics or leaves an exception unhandled.</summary>
    public const int PanicExitCode = 134;

    /// <summary>Writes the low <paramref name="digits"/> hexadecimal digits of
    /// <paramref name="value"/> (1 to 16) with a 0x prefix.</summary>
    public static void WriteHex(ulong value, int digits = 16)
    {
        Span<byte> text = stackalloc byte[18];
        int n = Math.Clamp(digits, 1, 16);
        text[0] = (byte)'0';
        text[1] = (byte)'x';
        for (int i = 0; i < n; i++)
        {
            int nibble = (int)((value >> (4 * (n - 1 - i))) & 0xF);
            text[2 + i] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
        }

        Write(text[..(n + 2)]);
    }

    /// <summary>Writes <paramref name="value"/> in decimal.</summary>
    public static void WriteDecimal(ulong value)
    {
        Span<byte> text = stackalloc byte[20];
        int i = text.Length;
        do
        {
            text[--i] = (byte)('0' + (value % 10));
            value /= 10;
        }
        while (value != 0);

        Write(text[i..]);
    }
}
