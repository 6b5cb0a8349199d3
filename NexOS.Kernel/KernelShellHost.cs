using NexOS.Core.Memory;
using NexOS.Core.Acpi;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Boot;
using NexOS.Kernel.Platform;
using NexOS.Runtime;
using NexOS.Runtime.Gc;
using NexOS.Services.Shell;

namespace NexOS.Kernel;

/// <summary>What the shell asks of the kernel: facts, power control and the console.</summary>
internal sealed class KernelShellHost : IShellHost
{
    private const ushort KeyboardController = 0x64;
    private const byte PulseResetLine = 0xFE;

    public string Version => Kernel.Version;

    public TimeSpan Uptime => TimeSpan.FromTicks((long)(Tsc.SinceEntryNs / 100));

    public MemoryStats Memory
    {
        get
        {
            var frames = PhysicalMemory.Frames;
            string? details = null;
            if (frames != null)
            {
                ulong largest = frames.LargestFreeOrder < 0 ? 0 : BuddyFrameAllocator.FrameSize << frames.LargestFreeOrder;
                details = $"frames    {frames.FreeFrames} of {frames.TotalFrames} free (4 KiB), largest free block {largest / 1024} KiB, "
                    + $"fragmentation {frames.Fragmentation * 100:F1}%\n"
                    + $"heap      {GcHeap.InUseBytes} bytes in use of {GcHeap.CommittedBytes} committed, {GcHeap.TotalObjects} objects allocated, {GcStatistics.Collections} collections\n"
                    + $"boot heap {BootHeap.BytesUsed} bytes in use of {BootHeap.BytesReserved} reserved (never freed: early objects and native blocks)";
            }

            return Totals() with { Details = details };
        }
    }

    /// <summary>Total, used and free bytes as `mem` counts them, without the detail lines
    /// (for the dashboard's snapshot too).</summary>
    public static MemoryStats Totals()
    {
        ulong total = EarlyInit.UsableBytes;
        var frames = PhysicalMemory.Frames;
        // Memory the heaps hold but could hand out again counts as free.
        ulong heapSlack = BootHeap.BytesReserved - Math.Min(BootHeap.BytesUsed, BootHeap.BytesReserved);
        heapSlack += GcHeap.CommittedBytes - Math.Min(GcHeap.InUseBytes, GcHeap.CommittedBytes);
        ulong free = frames == null
            ? EarlyInit.FreeBytesAtBoot - Math.Min(BootHeap.BytesUsed, EarlyInit.FreeBytesAtBoot)
            : ((ulong)frames.FreeFrames * BuddyFrameAllocator.FrameSize) + heapSlack;
        free = Math.Min(free, total);
        return new MemoryStats(total, total - free, free);
    }

    public void Shutdown()
    {
        AcpiPowerInfo? info = Kernel.Acpi?.Info;
        if (info != null && AcpiPower.Shutdown(info, X64PortIo.Instance))
        {
            WaitForPowerOff();
        }

        Write("shutdown: ACPI S5 power-off did not take effect\n");
    }

    public void Reboot()
    {
        AcpiPowerInfo? info = Kernel.Acpi?.Info;
        if (info != null && AcpiPower.Reset(info, X64PortIo.Instance))
        {
            WaitForPowerOff();
        }

        // The keyboard controller's reset line works on nearly every PC.
        Native.OutB(KeyboardController, PulseResetLine);
        WaitForPowerOff();
        Write("reboot: the machine did not reset\n");
    }

    public void Panic() => throw new InvalidOperationException("panic requested from the shell");

    public void Write(string text) => Kernel.Write(text);

    public bool TryReadKey(out byte key)
    {
        key = 0;
        return Kernel.Console is { } console && console.TryRead(out key);
    }

    /// <summary>Gives a power-state change a moment to happen before reporting failure.</summary>
    private static void WaitForPowerOff()
    {
        ulong end = Tsc.Now + (Tsc.Frequency / 2);
        while (Tsc.Now < end)
        {
            Native.Pause();
        }
    }
}
