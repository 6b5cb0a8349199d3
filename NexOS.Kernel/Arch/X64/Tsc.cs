using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The time-stamp counter as the kernel's clock, calibrated once against PIT channel 2
/// (which counts at a fixed 1.193182 MHz on every PC) with its speaker gate, so no interrupt
/// is needed.
/// </summary>
internal static class Tsc
{
    private const ulong PitHz = 1_193_182;
    private const ushort PitChannel2 = 0x42;
    private const ushort PitCommand = 0x43;
    private const ushort SpeakerGate = 0x61;

    private static ulong s_hz;

    // Nanoseconds per tick as a 32.32 fixed-point factor, so converting costs one 64x64->128
    // multiply instead of a 128-bit division.
    private static ulong s_nsPerTickFixed;

    private static ulong s_entryTsc;

    /// <summary>Records the TSC at kernel entry (boot.asm's reading); the boot code, once.</summary>
    public static void SetEntry(ulong entryTsc) => s_entryTsc = entryTsc;

    /// <summary>Nanoseconds since kernel entry: uptime, and the class library's clocks.</summary>
    public static ulong SinceEntryNs => ToNanoseconds(Native.ReadTsc() - s_entryTsc);

    /// <summary>Counter ticks per second; 0 before calibration.</summary>
    public static ulong Frequency => s_hz;

    /// <summary>Measures the TSC over <paramref name="milliseconds"/> of PIT time. Runs with
    /// interrupts off; costs that long.</summary>
    public static void Calibrate(int milliseconds = 10)
    {
        ulong count = PitHz * (ulong)milliseconds / 1000;
        byte gate = Native.InB(SpeakerGate);
        Native.OutB(SpeakerGate, (byte)((gate & ~0x02) | 0x01)); // gate on, speaker off
        Native.OutB(PitCommand, 0b1011_0000); // channel 2, lobyte/hibyte, mode 0
        Native.OutB(PitChannel2, (byte)count);
        Native.OutB(PitChannel2, (byte)(count >> 8));

        // Restart the count by toggling the gate, then wait for OUT2 (bit 5) to go high.
        gate = Native.InB(SpeakerGate);
        Native.OutB(SpeakerGate, (byte)(gate & ~0x01));
        Native.OutB(SpeakerGate, (byte)(gate | 0x01));
        ulong start = Native.ReadTsc();
        ulong spins = 0;
        while ((Native.InB(SpeakerGate) & 0x20) == 0 && spins++ < 100_000_000)
        {
        }

        ulong elapsed = Native.ReadTsc() - start;
        s_hz = elapsed * 1000 / (ulong)milliseconds;
        if (s_hz == 0)
        {
            s_hz = 1_000_000_000; // a PIT that never fired: assume 1 GHz rather than divide by zero
        }

        s_nsPerTickFixed = (ulong)(((UInt128)1_000_000_000 << 32) / s_hz);
    }

    public static ulong Now => Native.ReadTsc();

    /// <summary>Monotonic nanoseconds since the CPU's TSC started (not since boot).</summary>
    public static ulong NowNs => ToNanoseconds(Native.ReadTsc());

    public static ulong ToNanoseconds(ulong ticks)
    {
        if (s_nsPerTickFixed == 0)
        {
            return ticks;
        }

        ulong high = Math.BigMul(ticks, s_nsPerTickFixed, out ulong low);
        return (high << 32) | (low >> 32);
    }

    public static ulong FromNanoseconds(ulong ns) => s_hz == 0 ? ns : (ulong)((UInt128)ns * s_hz / 1_000_000_000);
}
