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
    }

    public static ulong Now => Native.ReadTsc();

    public static ulong ToNanoseconds(ulong ticks) =>
        s_hz == 0 ? ticks : (ulong)((UInt128)ticks * 1_000_000_000 / s_hz);
}
