using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Ipc;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// The IPC system calls. Messages travel in registers, as seL4's do: a label and four words
/// in RSI, RDX, R10, R8 and R9 on the way in, and in the same registers on the way out (with
/// the badge in RDI), so a call and its reply copy nothing through memory. Capability numbers
/// are slots of the calling thread's table; the portable IPC rules (NexOS.Core.Ipc) check the
/// slot, the object's kind and the rights before anything happens. Messages from programs
/// never carry a memory grant.
/// </summary>
internal static unsafe class SyscallIpc
{
    private const int MaxSlot = CapabilityTable.MaxSize;

    public static long Send(InterruptFrame* f) =>
        Result(SlotOf(f->Rdi, out int slot) ? KernelIpc.Send(slot, MessageFrom(f)) : IpcStatus.InvalidSlot);

    public static long Call(InterruptFrame* f)
    {
        IpcStatus status = SlotOf(f->Rdi, out int slot) ? KernelIpc.Call(slot, MessageFrom(f)) : IpcStatus.InvalidSlot;
        if (status == IpcStatus.Ok)
        {
            MessageTo(f, Scheduler.Current.Ipc);
        }

        return Result(status);
    }

    public static long Receive(InterruptFrame* f)
    {
        IpcStatus status = SlotOf(f->Rdi, out int slot) && TimeoutOf(f->Rsi, out ulong timeout)
            ? KernelIpc.Receive(slot, timeout)
            : IpcStatus.InvalidSlot;
        if (status == IpcStatus.Ok)
        {
            MessageTo(f, Scheduler.Current.Ipc);
        }

        return Result(status);
    }

    public static long Reply(InterruptFrame* f) => Result(KernelIpc.Reply(MessageFrom(f)));

    public static long ReplyReceive(InterruptFrame* f)
    {
        IpcStatus status = SlotOf(f->Rdi, out int slot) ? KernelIpc.ReplyReceive(slot, MessageFrom(f)) : IpcStatus.InvalidSlot;
        if (status == IpcStatus.Ok)
        {
            MessageTo(f, Scheduler.Current.Ipc);
        }

        return Result(status);
    }

    public static long Signal(InterruptFrame* f) =>
        Result(SlotOf(f->Rdi, out int slot) ? KernelIpc.Signal(slot, f->Rsi) : IpcStatus.InvalidSlot);

    public static long Wait(InterruptFrame* f)
    {
        IpcStatus status = SlotOf(f->Rdi, out int slot) && TimeoutOf(f->Rsi, out ulong timeout)
            ? KernelIpc.Wait(slot, timeout)
            : IpcStatus.InvalidSlot;
        if (status == IpcStatus.Ok)
        {
            f->Rdi = Scheduler.Current.Ipc.ReceivedBits;
        }

        return Result(status);
    }

    /// <summary>Creates an endpoint or a notification and puts a capability with every right
    /// in the caller's table; returns the slot. The object lives as long as a capability
    /// names it (it is not in the kernel's list of named objects).</summary>
    public static long Create(KernelThread me, bool endpoint)
    {
        IpcObject obj = endpoint ? new Endpoint() : new Notification();
        int slot = KernelIpc.Grant(me, obj, IpcRights.All);
        return slot >= 0 ? slot : SyscallResult.Fail(SyscallStatus.LimitReached);
    }

    /// <summary>The status a program sees for an IPC outcome.</summary>
    public static long Result(IpcStatus status) => status switch
    {
        IpcStatus.Ok => 0,
        IpcStatus.InvalidSlot or IpcStatus.EmptySlot => SyscallResult.Fail(SyscallStatus.BadCapability),
        IpcStatus.WrongObjectType => SyscallResult.Fail(SyscallStatus.WrongKind),
        IpcStatus.InsufficientRights => SyscallResult.Fail(SyscallStatus.NoRights),
        IpcStatus.TimedOut => SyscallResult.Fail(SyscallStatus.TimedOut),
        IpcStatus.DeadPeer => SyscallResult.Fail(SyscallStatus.PeerDied),
        IpcStatus.TableFull => SyscallResult.Fail(SyscallStatus.LimitReached),
        _ => SyscallResult.Fail(SyscallStatus.BadArgument),
    };

    private static bool SlotOf(ulong value, out int slot)
    {
        slot = value < MaxSlot ? (int)value : -1;
        return slot >= 0;
    }

    /// <summary>A timeout in nanoseconds; 0 waits for ever. More than a day is refused.</summary>
    private static bool TimeoutOf(ulong value, out ulong timeout)
    {
        timeout = value;
        return value <= SyscallResult.MaxWaitNs;
    }

    private static IpcMessage MessageFrom(InterruptFrame* f) => new()
    {
        Label = f->Rsi,
        W0 = f->Rdx,
        W1 = f->R10,
        W2 = f->R8,
        W3 = f->R9,
        WordCount = IpcMessage.MaxWords,
    };

    private static void MessageTo(InterruptFrame* f, IpcParticipant me)
    {
        ref readonly IpcMessage m = ref me.Message;
        f->Rdi = me.Badge;
        f->Rsi = m.Label;
        f->Rdx = m.W0;
        f->R10 = m.W1;
        f->R8 = m.W2;
        f->R9 = m.W3;
    }
}
