using NexOS.Kernel.Arch.X64;


namespace NexOS.Kernel.Threading;

/// <summary>
/// The worst few timer interrupts that arrived more than <see cref="ThresholdNs"/> after their
/// deadline, with the instruction they interrupted. A late timer means interrupts were off
/// (or the emulator stalled); the interrupted instruction is the one right after the code
/// that turned them back on, which names the culprit. Written from the timer interrupt,
/// allocation-free; read by `irq`. No static constructor (it runs in interrupt context).
/// </summary>
internal static class LateTimers
{
    public const ulong ThresholdNs = 1_000_000;

    private const int Capacity = 8;

    private static Ring s_rips;
    private static Ring s_latencies;
    private static int s_next;
    private static ulong s_count;

    /// <summary>Late timer interrupts since boot.</summary>
    public static ulong Count => s_count;

    /// <summary>Records a late interrupt (interrupts are off).</summary>
    public static void Record(ulong rip, ulong latencyNs)
    {
        s_count++;

        // Keep the worst: a new one replaces the mildest recorded, once all slots are used.
        int slot = s_next;
        if (s_next == Capacity)
        {
            slot = 0;
            for (int i = 1; i < Capacity; i++)
            {
                slot = s_latencies[i] < s_latencies[slot] ? i : slot;
            }

            if (s_latencies[slot] >= latencyNs)
            {
                return;
            }
        }
        else
        {
            s_next++;
        }

        s_rips[slot] = rip;
        s_latencies[slot] = latencyNs;
    }

    /// <summary>The recorded ones: (interrupted address, lateness in ns).</summary>
    public static List<(ulong Rip, ulong LatencyNs)> Snapshot()
    {
        var list = new List<(ulong, ulong)>();
        ulong flags = InterruptState.Disable();
        for (int i = 0; i < s_next; i++)
        {
            list.Add((s_rips[i], s_latencies[i]));
        }

        InterruptState.Restore(flags);
        return list;
    }

    [System.Runtime.CompilerServices.InlineArray(Capacity)]
    private struct Ring
    {
        private ulong _element;
    }
}
