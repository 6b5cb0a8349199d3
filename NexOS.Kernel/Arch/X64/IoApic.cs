using System.Threading;
using NexOS.Core.Acpi;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The I/O APIC that delivers device interrupts to the local APIC, programmed from the MADT
/// (including its ISA interrupt overrides). Once it is in charge the 8259 PICs are masked.
/// </summary>
internal static unsafe class IoApic
{
    private const int RegisterSelect = 0x00;
    private const int Window = 0x10;
    private const int VersionRegister = 0x01;
    private const uint Masked = 1u << 16;
    private const uint LevelTriggered = 1u << 15;
    private const uint ActiveLow = 1u << 13;

    private static uint* s_base;
    private static uint s_gsiBase;
    private static int s_entries;
    private static Madt? s_madt;

    public static bool IsEnabled => s_base != null;

    /// <summary>Takes over device interrupts when the MADT names an I/O APIC in mapped memory;
    /// every redirection entry starts masked. Returns false (the PIC stays in charge) otherwise.</summary>
    public static bool Initialize(Madt madt)
    {
        IoApicInfo? first = madt.IoApicFor(0);
        // A 32-bit address is always inside the boot identity map (4 GiB).
        if (first == null || !LocalApic.IsEnabled)
        {
            return false;
        }

        s_madt = madt;
        s_base = (uint*)first.Value.Address;
        s_gsiBase = first.Value.GsiBase;
        s_entries = (int)((Read(VersionRegister) >> 16) & 0xFF) + 1;
        for (int i = 0; i < s_entries; i++)
        {
            Write(0x10 + (2 * i), Masked);
            Write(0x11 + (2 * i), 0);
        }

        return true;
    }

    /// <summary>Routes ISA IRQ <paramref name="irq"/> (after overrides) to <paramref name="vector"/>
    /// on the boot CPU and unmasks it. False when its GSI is not on this I/O APIC.</summary>
    public static bool Route(int irq, int vector)
    {
        if (s_base == null || s_madt == null)
        {
            return false;
        }

        InterruptOverride wiring = s_madt.Route((byte)irq);
        long entry = (long)wiring.Gsi - s_gsiBase;
        if (entry < 0 || entry >= s_entries)
        {
            return false;
        }

        uint low = (uint)vector | (wiring.ActiveLow ? ActiveLow : 0) | (wiring.LevelTriggered ? LevelTriggered : 0);
        Write(0x11 + (2 * (int)entry), 0); // destination: APIC ID 0, the boot CPU
        Write(0x10 + (2 * (int)entry), low);
        return true;
    }

    /// <summary>Sends ISA IRQ <paramref name="irq"/> to the CPU with local APIC ID
    /// <paramref name="apicId"/> from now on, keeping its vector, wiring and mask. False when
    /// its GSI is not on this I/O APIC. Interrupts off.</summary>
    public static bool SetDestination(int irq, byte apicId)
    {
        if (s_base == null || s_madt == null)
        {
            return false;
        }

        long entry = (long)s_madt.Route((byte)irq).Gsi - s_gsiBase;
        if (entry < 0 || entry >= s_entries)
        {
            return false;
        }

        Write(0x11 + (2 * (int)entry), (uint)apicId << 24);
        return true;
    }

    /// <summary>Masks or unmasks ISA IRQ <paramref name="irq"/>'s redirection entry, keeping
    /// its routing. False when its GSI is not on this I/O APIC. Interrupts off.</summary>
    public static bool SetMasked(int irq, bool masked)
    {
        if (s_base == null || s_madt == null)
        {
            return false;
        }

        long entry = (long)s_madt.Route((byte)irq).Gsi - s_gsiBase;
        if (entry < 0 || entry >= s_entries)
        {
            return false;
        }

        int register = 0x10 + (2 * (int)entry);
        uint low = Read(register);
        Write(register, masked ? low | Masked : low & ~Masked);
        return true;
    }

    // MMIO: select a register, then read or write it through the window.
    private static uint Read(int register)
    {
        Volatile.Write(ref s_base[RegisterSelect / 4], (uint)register);
        return Volatile.Read(ref s_base[Window / 4]);
    }

    private static void Write(int register, uint value)
    {
        Volatile.Write(ref s_base[RegisterSelect / 4], (uint)register);
        Volatile.Write(ref s_base[Window / 4], value);
    }
}
