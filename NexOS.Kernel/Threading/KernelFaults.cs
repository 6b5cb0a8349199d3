using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Debugging;
using NexOS.Kernel.Platform;
using NexOS.Runtime;

namespace NexOS.Kernel.Threading;

/// <summary>
/// CPU exceptions in ring 0, as the arch layer hands them up (ring-3 faults go to the process
/// layer instead). A fault C# defines as an exception becomes one; any other is reported on
/// COM1 and ends the faulting worker thread, or stops the kernel when the thread is one the
/// kernel cannot do without (the idle thread, thread 0).
/// </summary>
internal static unsafe class KernelFaults
{
    /// <summary>Registers <see cref="OnFault"/> with the arch layer; once, at boot.</summary>
    public static void Install() => Interrupts.SetKernelFaultHandler(&OnFault);

    /// <summary>Returns only when the frame now raises a managed exception; interrupts off.</summary>
    private static void OnFault(InterruptFrame* frame)
    {
        if (TryRaiseManagedException(frame))
        {
            return;
        }

        CpuExceptionReport.Report(frame, &DescribeGuardPage);
        if (Scheduler.CanEndCurrentThread)
        {
            // A fault in a worker thread ends that thread; the kernel and its console
            // carry on. Faults in the console thread or the idle thread still stop it all.
            Scheduler.ExitAfterFault();
        }

        Panic.Stop();
    }

    /// <summary>Names the thread whose stack guard page <paramref name="address"/> is in.</summary>
    private static bool DescribeGuardPage(ulong address)
    {
        KernelThread? overflowed = Scheduler.IsRunning ? Scheduler.FindByGuardPage(address) : null;
        if (overflowed == null)
        {
            return false;
        }

        DebugSerial.Write("\n    kernel stack overflow in thread ");
        DebugSerial.WriteDecimal((ulong)overflowed.Id);
        DebugSerial.Write(" (");
        DebugSerial.Write(overflowed.Name);
        DebugSerial.Write("): it ran into the guard page under its stack");
        return true;
    }

    /// <summary>
    /// Faults that C# semantics define as exceptions become managed exceptions when they
    /// happen in managed kernel code: integer division by zero, and a page fault in the
    /// unmapped page 0 (a null dereference). The interrupt then returns into the runtime's
    /// hardware-exception thrower instead of the faulting instruction.
    /// </summary>
    private static bool TryRaiseManagedException(InterruptFrame* frame)
    {
        const uint statusIntegerDivideByZero = 0xC0000094;
        const uint statusNullReference = 0;
        const ulong nullPageSize = 4096;
        if ((frame->Cs & 3) != 0 || !NexOS.Runtime.ImageLayout.IsManagedCode(frame->Rip))
        {
            return false;
        }

        uint code;
        if (frame->Vector == 0)
        {
            code = statusIntegerDivideByZero;
        }
        else if (frame->Vector == 14 && Native.ReadCr2() < nullPageSize)
        {
            code = statusNullReference;
        }
        else
        {
            return false;
        }

        frame->Rdi = code;
        frame->Rsi = frame->Rip;
        frame->Rip = NexOS.Runtime.Exceptions.ExceptionStubs.ThrowHwEx;
        return true;
    }
}
