using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.DevTest;

/// <summary>
/// Checks the driver's memory calls from a program the device manager started for a PCI
/// function whose first BAR is memory that reads back what is written (QEMU's VGA
/// framebuffer: `devstart 00:02.0 devtest`). Slot 1 is that BAR's MMIO capability. It maps
/// the window, writes and reads it back, allocates DMA memory and checks it is zeroed and
/// contiguous-sized, takes message interrupts for it (the same vector when asked again), makes
/// the hostile calls a driver could make, gives everything back, and
/// prints `devtest: N checks, N failed` (a line per failure before it); it exits with the
/// failures' count. `devtest ahci-fis` shows instead what an AHCI controller's DMA may reach
/// (<see cref="FisEscape"/>).
/// </summary>
public static unsafe class Program
{
    private const int Window = 1;
    private const ulong DmaLength = 5 * 4096;

    private static int s_checks;
    private static int s_failed;

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ahci-fis")
        {
            return FisEscape.Run(args);
        }

        long described = Syscalls.Invoke(Syscall.CapabilityInspect, Window);
        Check("slot 1 is an MMIO capability", described >= 0 && ((described >> 32) & 0xFF) == (long)CapabilityKind.Mmio);
        Mmio();
        Dma();
        MessageInterrupts();
        Hostile();
        Log.WriteLine($"devtest: {s_checks} checks, {s_failed} failed");
        return s_failed;
    }

    private static void Mmio()
    {
        long mapped = Devices.MapMmio(Window);
        Check($"MmioMap maps the window (got {mapped})", mapped > 0 && (mapped & 0xFFF) == 0);
        if (mapped <= 0)
        {
            return;
        }

        uint* words = (uint*)mapped;
        for (uint i = 0; i < 1024; i++)
        {
            words[i] = 0xC0DE_0000u | i;
        }

        bool same = true;
        for (uint i = 0; i < 1024; i++)
        {
            same &= words[i] == (0xC0DE_0000u | i);
        }

        Check("the device memory reads back what was written", same);
        long again = Devices.MapMmio(Window);
        Check("the window maps a second time, elsewhere, onto the same memory", again > 0 && again != mapped && ((uint*)again)[5] == (0xC0DE_0000u | 5));
        Check("unmapping the second mapping", again > 0 && Memory.Unmap((ulong)again, 4096) == SyscallStatus.Ok);
        Check("the first mapping survives it", words[7] == (0xC0DE_0000u | 7));
        Check("unmapping the first page of the window", Memory.Unmap((ulong)mapped, 4096) == SyscallStatus.Ok);
    }

    private static void Dma()
    {
        long dma = Devices.AllocateDma(Window, DmaLength, out ulong physical);
        Check($"DmaAllocate gives memory (got {dma})", dma > 0);
        Check($"with a page-aligned physical start (0x{physical:x})", physical != 0 && (physical & 0xFFF) == 0);
        if (dma <= 0)
        {
            return;
        }

        var bytes = new Span<byte>((void*)dma, (int)DmaLength);
        bool zero = true;
        foreach (byte b in bytes)
        {
            zero &= b == 0;
        }

        Check("DMA memory starts zeroed", zero);
        bytes.Fill(0x5A);
        Check("and is writable", bytes[(int)DmaLength - 1] == 0x5A);
        Check("DMA memory is given back with MemoryUnmap", Memory.Unmap((ulong)dma, DmaLength) == SyscallStatus.Ok);
    }

    private static void MessageInterrupts()
    {
        long first = Devices.CreateMessageInterrupt(Window, 0, out ulong address, out uint data);
        Check($"MessageInterruptCreate gives an interrupt capability (got {first})", first > 0 && ((Syscalls.Invoke(Syscall.CapabilityInspect, (ulong)first) >> 32) & 0xFF) == (long)CapabilityKind.Interrupt);
        Check($"whose message goes to the local APIC (0x{address:x})", (address & 0xFFF0_0FFF) == 0xFEE0_0000);
        Check($"with a vector between the ISA lines and the timer ({data})", data >= 0x30 && data < 0xF0);
        long again = Devices.CreateMessageInterrupt(Window, 0, out _, out uint dataAgain);
        Check($"asking again for entry 0 gives the same vector ({dataAgain})", again > 0 && dataAgain == data);
        long other = Devices.CreateMessageInterrupt(Window, 7, out _, out uint dataOther);
        Check($"entry 7 gets a vector of its own ({dataOther})", other > 0 && dataOther != data && dataOther >= 0x30 && dataOther < 0xF0);
        Expect("acknowledging a message interrupt (nothing to unmask)", SyscallStatus.Ok, Syscalls.Invoke(Syscall.InterruptAcknowledge, (ulong)Math.Max(first, 0)));
        Expect("binding it to an empty slot", SyscallStatus.BadCapability, Syscalls.Invoke(Syscall.InterruptBind, (ulong)Math.Max(first, 0), 40, 1));
        ulong* message = stackalloc ulong[2];
        Expect("entry 8", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.MessageInterruptCreate, Window, 8, (ulong)message));
        Expect("entry 2^32", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.MessageInterruptCreate, Window, 1UL << 32, (ulong)message));
        Expect("the message written into the kernel", SyscallStatus.BadAddress, Syscalls.Invoke(Syscall.MessageInterruptCreate, Window, 1, 0xFFFF_8000_0000_0000));
        Expect("the message written into page 0", SyscallStatus.BadAddress, Syscalls.Invoke(Syscall.MessageInterruptCreate, Window, 1, 8));
        Expect("a message interrupt without an MMIO capability", SyscallStatus.BadCapability, Syscalls.Invoke(Syscall.MessageInterruptCreate, 40, 0, (ulong)message));
        Expect("a message interrupt from an interrupt capability", SyscallStatus.WrongKind, Syscalls.Invoke(Syscall.MessageInterruptCreate, (ulong)Math.Max(first, 0), 0, (ulong)message));
        foreach (long slot in new[] { first, again, other })
        {
            Check("the interrupt capability closes", slot > 0 && Children.Close((int)slot) == SyscallStatus.Ok);
        }
    }

    private static void Hostile()
    {
        Expect("MmioMap at an unaligned hint", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.MmioMap, Window, 0x10_0000_0123));
        Expect("MmioMap of an empty slot", SyscallStatus.BadCapability, Syscalls.Invoke(Syscall.MmioMap, 40, 0));
        Expect("MmioMap of a wild slot", SyscallStatus.BadCapability, Syscalls.Invoke(Syscall.MmioMap, ulong.MaxValue, 0));
        ulong physical;
        ulong pointer = (ulong)&physical;
        Expect("DmaAllocate of nothing", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.DmaAllocate, Window, 0, pointer));
        Expect("DmaAllocate of 4 MiB + 1", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.DmaAllocate, Window, (4UL << 20) + 1, pointer));
        Expect("DmaAllocate answering into the kernel", SyscallStatus.BadAddress, Syscalls.Invoke(Syscall.DmaAllocate, Window, 4096, 0xFFFF_8000_0000_0000));
        Expect("DmaAllocate answering into page 0", SyscallStatus.BadAddress, Syscalls.Invoke(Syscall.DmaAllocate, Window, 4096, 8));
        Expect("DmaAllocate without an MMIO capability", SyscallStatus.BadCapability, Syscalls.Invoke(Syscall.DmaAllocate, 40, 4096, pointer));
        Expect("a device capability made from an MMIO capability", SyscallStatus.WrongKind, Devices.CreateMmio(Window, 0xFD00_0000, 4096));
        Expect("a port range made from an MMIO capability", SyscallStatus.WrongKind, Devices.CreatePorts(Window, 0x60, 1));
        Expect("MmioMap over memory already in use", SyscallStatus.AddressInUse, MapTwiceAtOnePlace());
    }

    private static long MapTwiceAtOnePlace()
    {
        if (Memory.Map(0, 4096, Protection.Read | Protection.Write, out ulong taken) != SyscallStatus.Ok)
        {
            return 0;
        }

        long result = Syscalls.Invoke(Syscall.MmioMap, Window, taken);
        _ = Memory.Unmap(taken, 4096);
        return result;
    }

    private static void Expect(string what, SyscallStatus expected, long result) =>
        Check($"{what}: got {result}, expected -{(int)expected}", result == -(long)expected);

    private static void Check(string what, bool passed)
    {
        s_checks++;
        if (!passed)
        {
            s_failed++;
            Log.WriteLine($"devtest: FAILED {what}");
        }
    }
}
