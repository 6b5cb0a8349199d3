using System.Threading;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// Each CPU's local APIC: enabled in software, its timer calibrated against the TSC (on the
/// boot CPU; the others share its figure) and used in one-shot mode for time slices and
/// timers, and the interrupt command register for interrupts between CPUs (start-up,
/// rescheduling, TLB shootdown). The registers sit at one physical address that each CPU sees
/// as its own APIC.
/// </summary>
internal static unsafe class LocalApic
{
    public const int TimerVector = 0xF0;
    public const int SpuriousVector = 0xFF;

    /// <summary>Inter-processor interrupt: look at the run queue (a thread woke for this CPU).</summary>
    public const int RescheduleVector = 0xFC;

    /// <summary>Inter-processor interrupt: flush the TLB (interrupts.asm answers it without
    /// the kernel lock).</summary>
    public const int TlbVector = 0xFD;

    private const uint ApicBaseMsr = 0x1B;
    private const int RegId = 0x20;
    private const int RegEoi = 0xB0;
    private const int RegSpurious = 0xF0;
    private const int RegLvtTimer = 0x320;
    private const int RegInitialCount = 0x380;
    private const int RegCurrentCount = 0x390;
    private const int RegDivide = 0x3E0;
    private const int RegIcrLow = 0x300;
    private const int RegIcrHigh = 0x310;
    private const uint IcrDeliveryPending = 1u << 12;
    private const uint IcrAssert = 1u << 14;
    private const uint IcrLevelTrigger = 1u << 15;
    private const uint IcrInit = 5u << 8;
    private const uint IcrStartup = 6u << 8;
    private const uint IcrAllButSelf = 3u << 18;
    private const uint LvtMasked = 1u << 16;

    private static uint* s_registers;
    private static ulong s_ticksPerMs;

    public static bool IsEnabled => s_registers != null;

    /// <summary>The physical address of the registers (0 while the APIC is not in use).</summary>
    public static ulong PhysicalBase => (ulong)s_registers;

    /// <summary>APIC timer ticks per millisecond (bus clock / 16).</summary>
    public static ulong TimerTicksPerMs => s_ticksPerMs;

    /// <summary>Enables the APIC and calibrates its timer. Returns false (and leaves the PIT
    /// path in charge) when the CPU has no APIC.</summary>
    public static bool Initialize()
    {
        uint* regs = stackalloc uint[4];
        Native.Cpuid(1, 0, regs);
        if ((regs[3] & (1u << 9)) == 0)
        {
            return false;
        }

        ulong baseMsr = Native.ReadMsr(ApicBaseMsr);
        ulong physical = baseMsr & 0xF_FFFF_F000UL;
        if (physical >= IdentityMappedMemory.MappedLimit)
        {
            return false;
        }

        Native.WriteMsr(ApicBaseMsr, baseMsr | (1UL << 11)); // global enable
        s_registers = (uint*)physical;
        ulong* slots = stackalloc ulong[4];
        Native.SmpData(slots);
        *(ulong*)slots[3] = physical + RegEoi; // the TLB interrupt's own acknowledgement
        Write(RegSpurious, SpuriousVector | (1u << 8)); // software enable
        Write(RegDivide, 0x3); // divide by 16
        Calibrate();
        return true;
    }

    /// <summary>Enables the local APIC of an application processor (the registers sit at the
    /// same address on every CPU, each CPU seeing its own) with the boot CPU's calibration:
    /// the APIC timers of one machine share a clock.</summary>
    public static void InitializeApplicationProcessor()
    {
        Native.WriteMsr(ApicBaseMsr, Native.ReadMsr(ApicBaseMsr) | (1UL << 11));
        Write(RegSpurious, SpuriousVector | (1u << 8));
        Write(RegDivide, 0x3);
        Write(RegLvtTimer, LvtMasked | TimerVector);
    }

    /// <summary>Sends INIT to the CPU whose APIC ID is <paramref name="apicId"/> (assert, then
    /// the level de-assert older APICs need).</summary>
    public static void SendInit(byte apicId)
    {
        SendCommand(apicId, IcrInit | IcrAssert | IcrLevelTrigger);
        SendCommand(apicId, IcrInit | IcrLevelTrigger);
    }

    /// <summary>Sends a start-up IPI: the CPU starts in real mode at page <paramref name="page"/>.</summary>
    public static void SendStartup(byte apicId, byte page) => SendCommand(apicId, IcrStartup | IcrAssert | page);

    /// <summary>Sends a fixed interrupt with <paramref name="vector"/> to one CPU.</summary>
    public static void SendInterrupt(byte apicId, int vector) => SendCommand(apicId, IcrAssert | (uint)vector);

    /// <summary>Sends a fixed interrupt with <paramref name="vector"/> to every CPU but this one.</summary>
    public static void SendInterruptToOthers(int vector)
    {
        WaitForDelivery();
        Write(RegIcrHigh, 0);
        Write(RegIcrLow, IcrAllButSelf | IcrAssert | (uint)vector);
    }

    private static void SendCommand(byte apicId, uint command)
    {
        WaitForDelivery();
        Write(RegIcrHigh, (uint)apicId << 24);
        Write(RegIcrLow, command);
        WaitForDelivery();
    }

    private static void WaitForDelivery()
    {
        for (int i = 0; i < 1_000_000 && (Read(RegIcrLow) & IcrDeliveryPending) != 0; i++)
        {
            Native.Pause();
        }
    }

    /// <summary>Fires the timer interrupt once, after <paramref name="nanoseconds"/>
    /// (at least one tick). Zero stops the timer.</summary>
    public static void ArmOneShot(ulong nanoseconds)
    {
        if (s_registers == null)
        {
            return;
        }

        // Round up: a timer that fires early only costs a second interrupt to re-arm.
        ulong ticks = nanoseconds == 0 ? 0 : Math.Max(1, ((nanoseconds * s_ticksPerMs) + 999_999) / 1_000_000);
        Write(RegLvtTimer, TimerVector); // one-shot, unmasked
        Write(RegInitialCount, (uint)Math.Min(ticks, uint.MaxValue));
    }

    public static void EndOfInterrupt() => Write(RegEoi, 0);

    /// <summary>This CPU's local APIC ID (bits 24-31 of the ID register): the destination of
    /// a message interrupt meant for it. 0 while the APIC is not in use.</summary>
    public static byte Id => s_registers == null ? (byte)0 : (byte)(Read(RegId) >> 24);

    /// <summary>The address a device writes to signal a message interrupt to this CPU (xAPIC
    /// physical destination mode, no redirection hint).</summary>
    public static ulong MessageAddress => 0xFEE0_0000UL | ((ulong)Id << 12);

    private static void Calibrate()
    {
        const ulong calibrationMs = 5;
        Write(RegLvtTimer, LvtMasked | TimerVector);
        Write(RegInitialCount, uint.MaxValue);
        ulong end = Tsc.Now + (Tsc.Frequency / 1000 * calibrationMs);
        while (Tsc.Now < end)
        {
            Native.Pause();
        }

        uint elapsed = uint.MaxValue - Read(RegCurrentCount);
        Write(RegInitialCount, 0);
        s_ticksPerMs = Math.Max(1, elapsed / calibrationMs);
    }

    // MMIO: every access must reach the device, in program order.
    private static uint Read(int offset) => Volatile.Read(ref s_registers[offset / 4]);

    private static void Write(int offset, uint value) => Volatile.Write(ref s_registers[offset / 4], value);
}
