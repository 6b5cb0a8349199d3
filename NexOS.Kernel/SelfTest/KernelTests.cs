using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Platform;
using NexOS.Runtime;
using NexOS.Kernel.Debugging;

namespace NexOS.Kernel.SelfTest;

/// <summary>Self tests of kernel services the boot foundation provides.</summary>
internal static class KernelTests
{
    private interface ICounter
    {
        int Next(int value);
    }

    public static void Register()
    {
        SelfTestRunner.Add("boot information", BootInformation);
        SelfTestRunner.Add("TSC clock", TscClock);
        SelfTestRunner.Add("page frame allocator", FrameAllocator);
        SelfTestRunner.Add("symbol table", SymbolTable);
        SelfTestRunner.Add("interrupt controllers", InterruptControllers);
        SelfTestRunner.Add("kernel page tables", PageTables);
        SelfTestRunner.Add("interface dispatch cache", DispatchCache);
    }

    private static void BootInformation()
    {
        var info = Kernel.BootInfo;
        Expect.True(info.MemoryMap.Count > 0, "memory map present");
        Expect.True(info.HasOption("nexos.selftest"), "command line seen");
        Expect.True(info.Modules.Count >= 1, "symbols module present");
        Expect.True(info.Warnings.Count == 0, "no boot information warnings: " + string.Join("; ", info.Warnings));
    }

    private static void TscClock()
    {
        Expect.True(Tsc.Frequency > 1_000_000, $"calibrated frequency {Tsc.Frequency} Hz");
        ulong a = Tsc.Now;
        ulong b = Tsc.Now;
        Expect.True(b >= a, "monotonic");
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        Expect.True(t0 > 0 && System.Diagnostics.Stopwatch.Frequency == 1_000_000_000, "Stopwatch in nanoseconds");
    }

    private static void FrameAllocator()
    {
        var frames = Memory.PhysicalMemory.Frames;
        Expect.True(frames != null && frames.TotalFrames > 0, "frames under management");
        long free = frames!.FreeFrames;
        Expect.True(Memory.PhysicalMemory.TryAllocate(3, out var block), "an order-3 block");
        Expect.Equal(free - 8, frames.FreeFrames, "eight frames taken");
        Expect.True(Memory.PhysicalMemory.Free(block, 3) == NexOS.Core.Memory.AllocationResult.Ok, "freed");
        Expect.True(Memory.PhysicalMemory.Free(block, 3) != NexOS.Core.Memory.AllocationResult.Ok, "a double free is refused");
        Expect.Equal(free, frames.FreeFrames, "all frames back");
        Expect.True(frames.CheckConsistency(out string? problem), $"allocator consistent: {problem}");
    }

    private static void InterruptControllers()
    {
        Expect.True(LocalApic.IsEnabled && LocalApic.TimerTicksPerMs > 0, "local APIC timer calibrated");
        Expect.True(Kernel.Madt != null && Kernel.Madt.IoApics.Count > 0, "the MADT names an I/O APIC");
        Expect.True(IoApic.IsEnabled, "device interrupts go through the I/O APIC");
        Expect.True(Interrupts.Count(LocalApic.TimerVector) > 0, "timer interrupts arrive");
    }

    private static void PageTables()
    {
        var space = Memory.VirtualMemory.KernelSpace;
        Expect.True(space != null, "the kernel runs on its own page tables");
        Expect.True(Platform.Native.ReadCr3() == space!.Root.Value, "CR3 holds their root");
        Expect.True(space.Translate(new NexOS.Core.Paging.VirtAddr(NexOS.Runtime.ImageLayout.TextStart), out _, out var text) == NexOS.Core.Paging.PagingStatus.Ok, "text mapped");
        Expect.True((text & NexOS.Core.Paging.PageFlags.Writable) == 0 && (text & NexOS.Core.Paging.PageFlags.NoExecute) == 0, "text is read-execute");
        Expect.True(space.Translate(new NexOS.Core.Paging.VirtAddr(Platform.KernelImage.DataStart), out _, out var data) == NexOS.Core.Paging.PagingStatus.Ok, "data mapped");
        Expect.True((data & NexOS.Core.Paging.PageFlags.NoExecute) != 0 && (data & NexOS.Core.Paging.PageFlags.Writable) != 0, "data is read-write, no-execute");
        Expect.True(space.Translate(new NexOS.Core.Paging.VirtAddr(0), out _, out _) == NexOS.Core.Paging.PagingStatus.NotMapped, "page 0 unmapped");
        Expect.True(space.Translate(new NexOS.Core.Paging.VirtAddr(Platform.KernelImage.BootStackBottom - 4096), out _, out _) == NexOS.Core.Paging.PagingStatus.NotMapped, "boot stack guard page");
        var thread = Threading.Scheduler.Spawn("guard-check", () => { });
        Expect.True(thread.GuardPage != 0, "a new thread's stack has a guard page");
        Expect.True(space.Translate(new NexOS.Core.Paging.VirtAddr(thread.GuardPage), out _, out _) == NexOS.Core.Paging.PagingStatus.NotMapped, "and it is unmapped");
        Threading.Scheduler.Join(thread);
    }

    private static unsafe void SymbolTable()
    {
        delegate*<void> method = &SymbolTable;
        string? name = KernelSymbols.NameOf((ulong)method);
        Expect.True(name != null && name.Contains("SymbolTable"), $"symbol for a method address: {name}");
    }

    private static void DispatchCache()
    {
        ulong hits = InterfaceDispatch.CacheHits;
        ICounter[] counters = { MakeCounter(0), MakeCounter(1) };
        int total = 0;
        for (int i = 0; i < 10; i++)
        {
            total += counters[i & 1].Next(i);
        }

        Expect.Equal(55, total, "calls through the interface");
        // The compiler may turn calls with few possible targets into type checks, so only
        // require that dispatch through cells has been served by the cache at all.
        Expect.True(InterfaceDispatch.CacheHits + InterfaceDispatch.CacheMisses > 0, "interface dispatch cells were resolved through the cache");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ICounter MakeCounter(int kind) => kind == 0 ? new PlusOne() : new PlusOneToo();

    private sealed class PlusOne : ICounter
    {
        public int Next(int value) => value + 1;
    }

    private sealed class PlusOneToo : ICounter
    {
        public int Next(int value) => 1 + value;
    }
}
