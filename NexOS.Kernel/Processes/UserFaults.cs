using NexOS.Core.Paging;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Platform;
using NexOS.Runtime;

namespace NexOS.Kernel.Processes;

/// <summary>
/// CPU exceptions raised by programs. The first touch of a page of mapped memory or of the
/// main stack (above its limit) gets a zeroed page and the program carries on
/// (<see cref="ProcessMemory.TryServeFault"/>); anything else ends the program with
/// a report (what, where, which process), never the kernel. Registered with
/// <see cref="Interrupts.SetUserHandlers"/> by the kernel's start-up.
/// </summary>
internal static unsafe class UserFaults
{
    /// <summary>Exit code of a process ended by CPU exception v: 128 + v, as shells report
    /// signals.</summary>
    public const int FaultExitBase = 128;

    /// <summary>Exit code of a killed process.</summary>
    public const int KilledExitCode = 137;

    /// <summary>Handles an exception from ring 3 in the faulting thread's context.</summary>
    public static void OnFault(InterruptFrame* frame)
    {
        KernelThread me = Scheduler.Current;
        if (me.Owner is not Process process)
        {
            Panic.Halt("a CPU exception from ring 3 on a kernel thread");
            return;
        }

        ulong cr2 = frame->Vector == 14 ? Native.ReadCr2() : 0;
        if (frame->Vector == 14 && ProcessMemory.TryServeFault(process, cr2, frame->ErrorCode))
        {
            return;
        }

        string reason = Describe(frame, cr2, process);
        process.End(FaultExitBase + (long)frame->Vector, reason);
        KernelLog.WriteLine($"process {process.Id} ({process.Name}) ended: {reason}");
        Scheduler.Exit();
    }

    /// <summary>Before a return to ring 3: a thread whose process is ending stops here.</summary>
    public static void OnReturnToUser(InterruptFrame* frame)
    {
        if (Scheduler.Current.KillRequested)
        {
            Scheduler.Exit();
        }
    }

    private static string Describe(InterruptFrame* f, ulong cr2, Process process)
    {
        string where = $"at RIP 0x{f->Rip:X}";
        switch (f->Vector)
        {
            case 0:
                return $"division by zero {where}";
            case 6:
                return $"invalid instruction {where}";
            case 13:
                return $"general protection fault (a privileged instruction or a bad selector) {where}";
            case 14:
                ulong e = f->ErrorCode;
                string access = (e & 16) != 0 ? "instruction fetch" : (e & 2) != 0 ? "write" : "read";
                string what = (e & 1) == 0 ? "an unmapped page" : "a page it may not access that way";
                if ((e & 1) == 0 && cr2 < process.StackLimit && cr2 >= process.StackLimit - AddressSpace.PageSize)
                {
                    what = "the guard page under its stack (stack overflow)";
                }

                return $"page fault: {access} of {what} at 0x{cr2:X} {where}";
            default:
                return $"CPU exception {f->Vector} (error code 0x{f->ErrorCode:X}) {where}";
        }
    }
}
