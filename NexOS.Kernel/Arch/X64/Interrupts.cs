using System.Runtime;
using NexOS.Kernel.Platform;
using NexOS.Runtime;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// Where every interrupt lands. CPU exceptions (vectors 0-31) are reported on COM1 and stop
/// the kernel; hardware interrupts go to the handler registered for their IRQ line.
/// Handlers run with interrupts off and must not allocate or throw.
/// </summary>
internal static unsafe class Interrupts
{
    public const int IrqBase = 32;
    public const int IrqCount = 16;

    /// <summary>The vectors given to message signalled interrupts (MSI, MSI-X): every vector
    /// between the ISA lines and the local APIC timer, 0x30-0xEF.</summary>
    public const int MessageVectorFirst = IrqBase + IrqCount;
    public const int MessageVectorCount = LocalApic.TimerVector - MessageVectorFirst;

    private static delegate*<void>* s_handlers;
    private static ulong* s_counts;
    private static delegate*<int, void>* s_lineHandlers;
    private static delegate*<int, void> s_messageHandler;
    private static delegate*<InterruptFrame*, void> s_userFault;
    private static delegate*<InterruptFrame*, void> s_returningToUser;
    private static delegate*<InterruptFrame*, void> s_kernelFault;
    private static delegate*<ulong, void> s_timer;
    private static delegate*<void> s_afterInterrupt;
    private static delegate*<void> s_reschedule;
    private static delegate*<void> s_kernelYield;

    /// <summary>
    /// Hands CPU exceptions raised in ring 0 to <paramref name="fault"/>, which returns only
    /// when it has repaired the frame (a managed exception raised in its place); otherwise it
    /// ends the faulting thread or stops the kernel. Until one is set, such a fault halts with
    /// its vector and RIP on COM1. The thread layer above provides it; this layer never names it.
    /// </summary>
    public static void SetKernelFaultHandler(delegate*<InterruptFrame*, void> fault) => s_kernelFault = fault;

    /// <summary>
    /// Calls <paramref name="timer"/> with the interrupted RIP on every local APIC timer
    /// interrupt, and <paramref name="afterInterrupt"/> last in every hardware interrupt, with
    /// every controller acknowledged (where a switch to another thread may happen). The
    /// scheduler registers both when it starts.
    /// </summary>
    public static void SetSchedulerHandlers(delegate*<ulong, void> timer, delegate*<void> afterInterrupt)
    {
        s_timer = timer;
        s_afterInterrupt = afterInterrupt;
    }

    /// <summary>Calls <paramref name="kernelYield"/> last in a hardware interrupt that came from
    /// ring 0 while other CPUs wait for the kernel lock, so that kernel code running long on
    /// this CPU (a kernel thread's loop, a long system call) lets them in; the scheduler sets
    /// it, and decides whether the interrupted code may be left.</summary>
    public static void SetKernelYield(delegate*<void> kernelYield) => s_kernelYield = kernelYield;

    /// <summary>Calls <paramref name="reschedule"/> when another CPU sends this one the
    /// reschedule interrupt (<see cref="LocalApic.RescheduleVector"/>); the scheduler sets it.</summary>
    public static void SetRescheduleHandler(delegate*<void> reschedule) => s_reschedule = reschedule;

    /// <summary>
    /// Hands CPU exceptions raised in ring 3 to <paramref name="fault"/> (which repairs the
    /// fault, such as a page of stack on first touch, or ends the program; never the kernel),
    /// and calls <paramref name="returning"/> before every return to ring 3 (where a program
    /// told to end stops). The process layer above registers them; this layer never names it.
    /// </summary>
    public static void SetUserHandlers(delegate*<InterruptFrame*, void> fault, delegate*<InterruptFrame*, void> returning)
    {
        s_userFault = fault;
        s_returningToUser = returning;
    }

    public static void Initialize()
    {
        const string failure = "no memory for interrupt tables";
        s_handlers = (delegate*<void>*)ArchSupport.Allocate(IrqCount * (ulong)sizeof(nint), failure);
        s_counts = (ulong*)ArchSupport.Allocate(256 * sizeof(ulong), failure);
        s_lineHandlers = (delegate*<int, void>*)ArchSupport.Allocate(IrqCount * (ulong)sizeof(nint), failure);

        Gdt.Initialize();
        Idt.Initialize();
        Pic.Initialize(IrqBase);
    }

    /// <summary>Routes IRQ <paramref name="irq"/> to <paramref name="handler"/> and unmasks it.</summary>
    public static void Register(int irq, delegate*<void> handler)
    {
        if ((uint)irq >= IrqCount)
        {
            ArchSupport.Halt("IRQ number out of range");
        }

        s_handlers[irq] = handler;
        if (!IoApic.IsEnabled || !IoApic.Route(irq, IrqBase + irq))
        {
            Pic.Unmask(irq);
        }
    }

    /// <summary>Takes IRQ <paramref name="irq"/> away from the kernel's own handler and masks
    /// it, so that the line can be handed to a driver in user space. Interrupts off.</summary>
    public static void Release(int irq)
    {
        if ((uint)irq < IrqCount)
        {
            SetMasked(irq, true);
            s_handlers[irq] = null;
        }
    }

    /// <summary>
    /// Routes IRQ <paramref name="irq"/> to <paramref name="handler"/>, which is told the line
    /// (for lines handed to drivers in user space), and leaves it masked: the owner unmasks it
    /// with <see cref="SetMasked"/>. Returns false when the line is out of range or the kernel
    /// handles it itself.
    /// </summary>
    public static bool RegisterLine(int irq, delegate*<int, void> handler)
    {
        if ((uint)irq >= IrqCount || s_handlers[irq] != null)
        {
            return false;
        }

        s_lineHandlers[irq] = handler;
        if (!IoApic.IsEnabled || !IoApic.Route(irq, IrqBase + irq) || !IoApic.SetMasked(irq, true))
        {
            Pic.Mask(irq);
        }

        return true;
    }

    /// <summary>Masks or unmasks IRQ <paramref name="irq"/> at whichever controller delivers
    /// it. Interrupts off.</summary>
    public static void SetMasked(int irq, bool masked)
    {
        if ((uint)irq >= IrqCount)
        {
            return;
        }

        if (IoApic.IsEnabled && IoApic.SetMasked(irq, masked))
        {
            return;
        }

        if (masked)
        {
            Pic.Mask(irq);
        }
        else
        {
            Pic.Unmask(irq);
        }
    }

    /// <summary>Hands device interrupts from the 8259 PICs to the I/O APIC: masks every PIC
    /// line and routes the IRQs already registered.</summary>
    public static void SwitchToIoApic(NexOS.Core.Acpi.Madt madt)
    {
        if (!IoApic.Initialize(madt))
        {
            return;
        }

        Pic.MaskAll();
        for (int irq = 0; irq < IrqCount; irq++)
        {
            if (s_handlers[irq] != null && !IoApic.Route(irq, IrqBase + irq))
            {
                Pic.Unmask(irq);
            }
        }
    }

    /// <summary>
    /// Spreads the device lines the I/O APIC delivers over the CPUs online: the n-th line in
    /// use goes to the (n mod CPUs)-th online CPU, so that no CPU takes every device interrupt.
    /// Called whenever a CPU comes online; kernel lock held, interrupts off.
    /// </summary>
    public static void SpreadAcrossCpus()
    {
        if (!IoApic.IsEnabled)
        {
            return;
        }

        int online = Cpus.Online;
        int n = 0;
        for (int irq = 0; irq < IrqCount; irq++)
        {
            if (s_handlers[irq] == null && s_lineHandlers[irq] == null)
            {
                continue;
            }

            int target = n++ % online;
            for (int cpu = 0; cpu < Cpus.Count; cpu++)
            {
                if (Cpus.IsOnline(cpu) && target-- == 0)
                {
                    IoApic.SetDestination(irq, Cpus.ApicId(cpu));
                    break;
                }
            }
        }
    }

    /// <summary>Hands every message signalled interrupt (a vector of
    /// <see cref="MessageVectorFirst"/> + <see cref="MessageVectorCount"/>) to
    /// <paramref name="handler"/>, told the vector; the local APIC is acknowledged after it.
    /// The process layer above registers it; until then such an interrupt is only counted.</summary>
    public static void SetMessageHandler(delegate*<int, void> handler) => s_messageHandler = handler;

    /// <summary>How many times <paramref name="vector"/> has fired.</summary>
    public static ulong Count(int vector) => (uint)vector < 256 && s_counts != null ? s_counts[vector] : 0;

    [RuntimeExport("NexOSInterrupt")]
    private static void Dispatch(InterruptFrame* frame)
    {
        ulong vector = frame->Vector;
        if (s_counts != null)
        {
            s_counts[vector & 0xFF]++;
        }

        if (vector < IrqBase)
        {
            if ((frame->Cs & 3) != 0 && s_userFault != null)
            {
                s_userFault(frame);
                ReturnToUser(frame);
                return;
            }

            if (s_kernelFault != null)
            {
                s_kernelFault(frame); // returns only when it repaired the frame
                return;
            }

            DebugSerial.Write("\ncpu exception ");
            DebugSerial.WriteDecimal(vector);
            DebugSerial.Write(" at RIP ");
            DebugSerial.WriteHex(frame->Rip);
            ArchSupport.Halt("CPU exception before the kernel's fault handler was set");
        }

        Metrics.KernelMetrics.Interrupts.Increment();
        if (vector == LocalApic.TimerVector)
        {
            LocalApic.EndOfInterrupt();
            if (s_timer != null)
            {
                s_timer(frame->Rip);
            }
        }
        else if (vector == LocalApic.SpuriousVector)
        {
            return; // no EOI for the APIC's spurious vector
        }
        else if (vector == LocalApic.RescheduleVector)
        {
            LocalApic.EndOfInterrupt();
            if (s_reschedule != null)
            {
                s_reschedule();
            }
        }

        int irq = (int)vector - IrqBase;
        if (irq >= 0 && irq < IrqCount)
        {
            bool viaIoApic = IoApic.IsEnabled;
            if (!viaIoApic && Pic.IsSpurious(irq))
            {
                return;
            }

            delegate*<void> handler = s_handlers[irq];
            if (handler != null)
            {
                handler();
            }
            else if (s_lineHandlers[irq] != null)
            {
                s_lineHandlers[irq](irq);
            }

            if (viaIoApic)
            {
                LocalApic.EndOfInterrupt();
            }
            else
            {
                Pic.EndOfInterrupt(irq);
            }
        }
        else if (vector >= MessageVectorFirst && vector < MessageVectorFirst + MessageVectorCount)
        {
            // A message from a device (MSI/MSI-X) comes straight to the local APIC, edge
            // triggered: nothing to mask, and no I/O APIC or PIC to acknowledge.
            if (s_messageHandler != null)
            {
                s_messageHandler((int)vector);
            }

            LocalApic.EndOfInterrupt();
        }

        // Last, with every controller acknowledged: a wake-up or an expired slice may switch
        // to another thread here, which resumes this frame later.
        if (s_afterInterrupt != null)
        {
            s_afterInterrupt();
        }

        if ((frame->Cs & 3) == 0 && s_kernelYield != null && KernelLock.Waiters > 0)
        {
            s_kernelYield();
        }

        ReturnToUser(frame);
    }

    private static void ReturnToUser(InterruptFrame* frame)
    {
        if ((frame->Cs & 3) != 0 && s_returningToUser != null)
        {
            s_returningToUser(frame);
        }
    }
}
