using System.Runtime;
using System.Text;
using NexOS.Abi;
using NexOS.Core.Loader;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// Where every SYSCALL lands (usermode.asm calls it with the caller's registers in an
/// <see cref="InterruptFrame"/>, interrupts on). Decodes the call number and arguments,
/// validates each argument before acting (a user pointer only through <see cref="UserMemory"/>),
/// and writes the result, or a negated <see cref="SyscallStatus"/>, into the frame's RAX.
/// Nothing a program passes can fault the kernel. The ABI is in docs/syscalls.md.
/// </summary>
internal static unsafe class SyscallDispatcher
{
    private static IKernelControl? s_kernelControl;

    /// <summary>System calls since boot.</summary>
    public static ulong Calls { get; private set; }

    /// <summary>Sets the service KernelControl calls go to; the composition root, once.</summary>
    public static void SetKernelControl(IKernelControl control) => s_kernelControl = control;

    [RuntimeExport("NexOSSyscall")]
    private static void Dispatch(InterruptFrame* frame)
    {
        KernelThread me = Scheduler.Current;
        if (me.Owner is not Process process)
        {
            Platform.Native.DisableInterrupts();
            Runtime.Panic.Halt("SYSCALL from a kernel thread");
            return;
        }

        Calls++;
        frame->Rax = (ulong)Invoke(process, me, frame);
        if (me.KillRequested)
        {
            Scheduler.Exit();
        }
    }

    private static long Invoke(Process process, KernelThread me, InterruptFrame* f)
    {
        ulong a0 = f->Rdi, a1 = f->Rsi, a2 = f->Rdx;
        switch ((Syscall)f->Rax)
        {
            case Syscall.Null:
                return 0;
            case Syscall.LogWrite:
                return LogWrite(process, a0, a1);
            case Syscall.ProcessExit:
                process.End((long)a0, null);
                Scheduler.Exit();
                return 0;
            case Syscall.Yield:
                Scheduler.Yield();
                return 0;
            case Syscall.ClockRead:
                return ClockRead(a0);
            case Syscall.Sleep:
                return Sleep(a0);
            case Syscall.SetThreadPointer:
                return SetThreadPointer(me, a0);
            case Syscall.SchedulerSet:
                return SyscallScheduling.Set(me, a0, a1, a2);
            case Syscall.PeriodWait:
                return SyscallScheduling.PeriodWait(me);
            case Syscall.MemoryMap:
                return ProcessMemory.Map(process, a0, a1, a2);
            case Syscall.MemoryUnmap:
                return ProcessMemory.Unmap(process, a0, a1);
            case Syscall.MemoryProtect:
                return ProcessMemory.Protect(process, a0, a1, a2);
            case Syscall.IpcSend:
                return SyscallIpc.Send(f);
            case Syscall.IpcReceive:
                return SyscallIpc.Receive(f);
            case Syscall.IpcCall:
                return SyscallIpc.Call(f);
            case Syscall.IpcReply:
                return SyscallIpc.Reply(f);
            case Syscall.IpcReplyReceive:
                return SyscallIpc.ReplyReceive(f);
            case Syscall.NotifySignal:
                return SyscallIpc.Signal(f);
            case Syscall.NotifyWait:
                return SyscallIpc.Wait(f);
            case Syscall.NotificationBind:
                return SyscallIpc.Bind(f);
            case Syscall.IpcReplySave:
                return SyscallIpc.SaveReply();
            case Syscall.IpcReplySaved:
                return SyscallIpc.ReplySaved(f);
            case Syscall.EndpointCreate:
                return SyscallIpc.Create(me, true);
            case Syscall.NotificationCreate:
                return SyscallIpc.Create(me, false);
            case Syscall.IpcGrantRead:
                return SyscallGrants.Copy(process, me, a0, a1, a2, f->R10, toCaller: false);
            case Syscall.IpcGrantWrite:
                return SyscallGrants.Copy(process, me, a0, a1, a2, f->R10, toCaller: true);
            case Syscall.ProcessSpawn:
                return SyscallProcess.Spawn(process, me, a0, a1, a2, f->R10, f->R8, f->R9);
            case Syscall.ProcessSpawnImage:
                return SyscallProcess.SpawnImage(process, me, a0);
            case Syscall.ProcessWait:
                return SyscallProcess.Wait(me, a0, a1);
            case Syscall.ProcessKill:
                return SyscallProcess.Kill(me, a0);
            case Syscall.CapabilityClose:
                return SyscallProcess.Close(me, a0);
            case Syscall.CapabilityCopy:
                return SyscallProcess.Copy(me, a0, a1, a2);
            case Syscall.CapabilityInspect:
                return SyscallProcess.Inspect(me, a0);
            case Syscall.PortRead:
                return SyscallDevices.PortRead(me, a0, a1, a2);
            case Syscall.PortWrite:
                return SyscallDevices.PortWrite(me, a0, a1, a2, f->R10);
            case Syscall.InterruptBind:
                return SyscallDevices.InterruptBind(me, a0, a1, a2);
            case Syscall.InterruptAcknowledge:
                return SyscallDevices.InterruptAcknowledge(me, a0);
            case Syscall.KernelControl:
                return s_kernelControl == null
                    ? SyscallResult.Fail(SyscallStatus.NotImplemented)
                    : s_kernelControl.Invoke(process, me, a0, a1, a2, f->R10, f->R8, f->R9);
            case Syscall.KernelLogRead:
                return SyscallKernelLog.Read(process, me, a0, a1, a2);
            case Syscall.StateRead:
                return SyscallState.Read(process, me, a0, a1, a2, f->R10);
            case Syscall.StateRestore:
                return SyscallState.Restore(process, me, a0, a1, a2, f->R10, f->R8);
            case Syscall.StateVersion:
                return SyscallState.Version(me, a0);
            case Syscall.PatchSubmit:
                return SyscallPatches.Submit(process, me, a0, a1, a2, f->R10, f->R8);
            case Syscall.BootFileRead:
                return SyscallBootFiles.Read(process, me, a0, a1, a2, f->R10, f->R8);
            case Syscall.ThreadCreate:
                return SyscallThreads.Create(process, me, a0, a1, a2, f->R10);
            case Syscall.ThreadExit:
                SyscallThreads.Exit(process, me, a0);
                return 0;
            case Syscall.ThreadJoin:
                return SyscallThreads.Join(me, a0, a1);
            case Syscall.MmioMap:
                return SyscallDevices.MmioMap(process, me, a0, a1);
            case Syscall.OutputCapture:
                return SyscallProcess.CaptureOutput(process, a0, a1, a2);
            case Syscall.DmaAllocate:
                return SyscallDevices.DmaAllocate(process, me, a0, a1, a2);
            case Syscall.MessageInterruptCreate:
                return SyscallDevices.CreateMessageInterrupt(process, me, a0, a1, a2);
            case Syscall.DeviceMmioCreate:
                return SyscallDevices.CreateMmio(me, a0, a1, a2, f->R10);
            case Syscall.DevicePortsCreate:
                return SyscallDevices.CreatePorts(me, a0, a1, a2);
            case Syscall.DeviceInterruptCreate:
                return SyscallDevices.CreateInterrupt(me, a0, a1);
            default:
                return SyscallResult.Fail(SyscallStatus.UnknownCall);
        }
    }

    private static long LogWrite(Process process, ulong address, ulong length)
    {
        if (length > UserAbi.MaxLogWrite)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        Span<byte> bytes = stackalloc byte[(int)length];
        UserAccessStatus status = UserCopy.In(process, address, bytes);
        if (status != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        // Captured for redirection: kept for the one who redirected it (or, once the capture
        // was taken, the kernel log after all).
        if (process.Output == null || !process.Output.TryAppend(bytes))
        {
            KernelLog.Write(Encoding.UTF8.GetString(bytes));
        }

        return (long)length;
    }

    // Monotonic: the timestamp counter since boot. Realtime: the time of day, NotFound when
    // the machine's clock could not be read at boot.
    private static long ClockRead(ulong clock) => clock switch
    {
        (ulong)Clock.Monotonic => (long)Tsc.NowNs,
        (ulong)Clock.Realtime => WallClock.TryNowNs(out long now) && now >= 0 ? now : SyscallResult.Fail(SyscallStatus.NotFound),
        _ => SyscallResult.Fail(SyscallStatus.BadArgument),
    };

    private static long Sleep(ulong nanoseconds)
    {
        if (nanoseconds > SyscallResult.MaxWaitNs)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        if (nanoseconds != 0)
        {
            Scheduler.Sleep(nanoseconds);
        }

        return 0;
    }

    private static long SetThreadPointer(KernelThread me, ulong pointer)
    {
        // The pointer is only ever loaded into FS base; it must be a user address so that a
        // program cannot aim its thread-local accesses at the kernel (they would fault anyway,
        // but the value must be canonical or WRMSR faults in ring 0).
        if (pointer != 0 && (pointer < UserAbi.UserBase || pointer >= UserAbi.UserTop))
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        ulong flags = InterruptState.Disable();
        me.UserThreadPointer = pointer;
        UserMode.SetUserThreadPointer(pointer);
        InterruptState.Restore(flags);
        return 0;
    }
}
