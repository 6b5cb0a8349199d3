using System.Threading;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The CPUs in use and the interrupts between them: CPU indexes below <see cref="Count"/>,
/// each with its local APIC ID, online once it runs threads; a nudge to look at the run queue (<see cref="SendReschedule"/>)
/// and TLB shootdown (<see cref="ShootdownTlb"/>). Changes happen under the kernel lock
/// (smp.asm), so one CPU at a time makes them.
/// </summary>
internal static unsafe class Cpus
{
    // Generous: an emulator's virtual CPUs are host threads that a busy host may not run for a while.
    private const ulong ShootdownTimeoutNs = 5_000_000_000;

    private static byte* s_apicIds;
    private static ulong s_onlineMask = 1;
    private static int s_started = 1;

    /// <summary>How many CPUs run threads now (1 until the application processors start).</summary>
    public static int Online => System.Numerics.BitOperations.PopCount(Volatile.Read(ref s_onlineMask));

    /// <summary>One more than the highest CPU index handed out: loops over CPUs run to this
    /// and skip those not <see cref="IsOnline"/> (CPUs come online in any order).</summary>
    public static int Count => Volatile.Read(ref s_started);

    /// <summary>True when CPU <paramref name="cpu"/> runs threads.</summary>
    public static bool IsOnline(int cpu) => (uint)cpu < PerCpu.MaxCpus && (Volatile.Read(ref s_onlineMask) & (1UL << cpu)) != 0;

    /// <summary>TLB shootdowns done, for the metrics.</summary>
    public static ulong Shootdowns { get; private set; }

    /// <summary>Reschedule interrupts sent, for the metrics.</summary>
    public static ulong ReschedulesSent { get; private set; }

    /// <summary>Records the boot CPU (index 0) once its local APIC is up.</summary>
    public static void InitializeBoot()
    {
        PerCpu.Initialize();
        s_apicIds = (byte*)ArchSupport.Allocate(PerCpu.MaxCpus, "no memory for the CPU table");
        s_apicIds[0] = LocalApic.Id;
    }

    /// <summary>The local APIC ID of CPU <paramref name="cpu"/>.</summary>
    public static byte ApicId(int cpu) => s_apicIds[cpu];

    /// <summary>Notes the APIC ID of CPU <paramref name="cpu"/> (the next index) before it
    /// starts.</summary>
    public static void Assign(int cpu, byte apicId)
    {
        s_apicIds[cpu] = apicId;
        Volatile.Write(ref s_started, Math.Max(s_started, cpu + 1));
    }

    /// <summary>Counts CPU <paramref name="cpu"/> in: called on it, under the kernel lock, once
    /// it can take interrupts and run threads.</summary>
    public static void MarkOnline(int cpu) => Volatile.Write(ref s_onlineMask, s_onlineMask | (1UL << cpu));

    /// <summary>Makes CPU <paramref name="cpu"/> look at its run queue: it takes the kernel
    /// lock and switches if a switch is due (a thread woke for it while it halted or ran a
    /// program). Kernel lock held.</summary>
    public static void SendReschedule(int cpu)
    {
        if (cpu != PerCpu.Index && IsOnline(cpu))
        {
            ReschedulesSent++;
            LocalApic.SendInterrupt(s_apicIds[cpu], LocalApic.RescheduleVector);
        }
    }

    /// <summary>
    /// Makes every other CPU drop its TLB entries, and returns once all have, so that a mapping
    /// just removed or narrowed (and the frame behind it) can no longer be used through a stale
    /// entry anywhere. Kernel lock held (one shootdown at a time); interrupts on or off. A CPU
    /// waiting for the lock answers from its spin, any other from the interrupt. A CPU that
    /// does not answer within five seconds is a broken invariant: the kernel stops, naming it.
    /// </summary>
    public static void ShootdownTlb()
    {
        if (Online <= 1)
        {
            return;
        }

        int me = PerCpu.Index;
        int count = Count;
        for (int cpu = 0; cpu < count; cpu++)
        {
            if (cpu != me && IsOnline(cpu))
            {
                PerCpu.RequestTlbFlush(cpu);
            }
        }

        Shootdowns++;
        LocalApic.SendInterruptToOthers(LocalApic.TlbVector);
        ulong deadline = Tsc.NowNs + ShootdownTimeoutNs;
        while (PerCpu.TlbAnswersPending != 0)
        {
            Native.Pause();
            if (Tsc.NowNs > deadline)
            {
                ReportSilentCpus(me, count);
                ArchSupport.Halt("TLB shootdown: a CPU did not answer within five seconds");
            }
        }
    }

    /// <summary>Names, on COM1, each CPU whose flush request is still unanswered, with what the
    /// per-CPU block says it was doing.</summary>
    private static void ReportSilentCpus(int me, int count)
    {
        for (int cpu = 0; cpu < count; cpu++)
        {
            if (cpu != me && IsOnline(cpu) && PerCpu.TlbRequested(cpu))
            {
                DebugSerial.Write("\ntlb shootdown from cpu");
                DebugSerial.WriteDecimal((ulong)me);
                DebugSerial.Write(": no answer from cpu");
                DebugSerial.WriteDecimal((ulong)cpu);
                DebugSerial.Write(PerCpu.IsIdleHalted(cpu) ? " (halted in its idle thread), running thread " : ", running thread ");
                DebugSerial.WriteDecimal(PerCpu.Block(cpu)[PerCpu.ThreadIdWord]);
                DebugSerial.Write("\n");
            }
        }
    }
}
