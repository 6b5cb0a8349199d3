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
/// slot, the object's kind and the rights before anything happens. A call (and only a call)
/// may grant the server one buffer of the caller's (<see cref="UserAbi.GrantFlag"/>), which
/// the server reads or fills with IpcGrantRead and IpcGrantWrite while the caller waits
/// (<see cref="SyscallGrants"/>); the endpoint capability needs the Grant right for that.
/// </summary>
internal static unsafe class SyscallIpc
{
    private const int MaxSlot = CapabilityTable.MaxSize;

    public static long Send(InterruptFrame* f)
    {
        if (!PlainMessage(f, out IpcMessage message))
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        return Result(SlotOf(f->Rdi, out int slot) ? KernelIpc.Send(slot, message) : IpcStatus.InvalidSlot);
    }

    public static long Call(InterruptFrame* f)
    {
        SyscallStatus decoded = CallMessage(f, out IpcMessage message);
        if (decoded != SyscallStatus.Ok)
        {
            return SyscallResult.Fail(decoded);
        }

        IpcStatus status = SlotOf(f->Rdi, out int slot) ? KernelIpc.Call(slot, message) : IpcStatus.InvalidSlot;
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

    public static long Reply(InterruptFrame* f) =>
        PlainMessage(f, out IpcMessage message) ? Result(KernelIpc.Reply(message)) : SyscallResult.Fail(SyscallStatus.BadArgument);

    public static long ReplyReceive(InterruptFrame* f)
    {
        if (!PlainMessage(f, out IpcMessage message))
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        IpcStatus status = SlotOf(f->Rdi, out int slot) ? KernelIpc.ReplyReceive(slot, message) : IpcStatus.InvalidSlot;
        if (status == IpcStatus.Ok)
        {
            MessageTo(f, Scheduler.Current.Ipc);
        }

        return Result(status);
    }

    public static long Signal(InterruptFrame* f) =>
        Result(SlotOf(f->Rdi, out int slot) ? KernelIpc.Signal(slot, f->Rsi) : IpcStatus.InvalidSlot);

    /// <summary>Moves the reply capability of the call being served to an ordinary slot,
    /// which it returns.</summary>
    public static long SaveReply()
    {
        int slot = -1;
        IpcStatus status = KernelIpc.SaveReply(ref slot);
        return status == IpcStatus.Ok ? slot : Result(status == IpcStatus.NoReplyCapability ? IpcStatus.EmptySlot : status);
    }

    /// <summary>Answers through a saved reply capability (slot in RDI, message as for a reply).</summary>
    public static long ReplySaved(InterruptFrame* f) =>
        !PlainMessage(f, out IpcMessage message) ? SyscallResult.Fail(SyscallStatus.BadArgument)
            : Result(SlotOf(f->Rdi, out int slot) ? KernelIpc.ReplySaved(slot, message) : IpcStatus.InvalidSlot);

    public static long Bind(InterruptFrame* f)
    {
        if (f->Rsi > 1)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        bool unbind = f->Rsi == 1;
        return Result(unbind ? KernelIpc.Bind(0, true) : SlotOf(f->Rdi, out int slot) ? KernelIpc.Bind(slot, false) : IpcStatus.InvalidSlot);
    }

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

    /// <summary>A message that may not grant (a send or a reply): false when its label has
    /// the grant flag.</summary>
    private static bool PlainMessage(InterruptFrame* f, out IpcMessage message)
    {
        message = new IpcMessage
        {
            Label = f->Rsi,
            W0 = f->Rdx,
            W1 = f->R10,
            W2 = f->R8,
            W3 = f->R9,
            WordCount = IpcMessage.MaxWords,
        };
        return (f->Rsi & UserAbi.GrantFlag) == 0;
    }

    /// <summary>
    /// A call's message. With the grant flag in the label, w2 is the buffer's address and w3
    /// its length (bits 0-31, 1 byte to 256 KiB) and rights (bits 32-33: read, write; at least
    /// one, nothing above; BadArgument otherwise), and the buffer must lie in the user range
    /// (BadAddress). Whether its pages are mapped is checked only when the server copies,
    /// page by page, since the caller may leave them to be given on demand. The server gets
    /// w2 as zero: the caller's addresses are none of its business.
    /// </summary>
    private static SyscallStatus CallMessage(InterruptFrame* f, out IpcMessage message)
    {
        if (PlainMessage(f, out message))
        {
            return SyscallStatus.Ok;
        }

        ulong lengthAndRights = f->R9;
        uint length = (uint)lengthAndRights;
        ulong rights = lengthAndRights >> UserAbi.GrantRightsShift;
        if (length == 0 || length > UserAbi.MaxGrantLength || rights == 0 || rights > (ulong)IpcGrantRights.ReadWrite)
        {
            return SyscallStatus.BadArgument;
        }

        ulong address = f->R8;
        if (address < UserAbi.UserBase || address > UserAbi.UserTop || UserAbi.UserTop - address < length)
        {
            return SyscallStatus.BadAddress;
        }

        message.W2 = 0;
        message.GrantAddress = address;
        message.GrantLength = length;
        message.GrantRights = (IpcGrantRights)rights;
        return SyscallStatus.Ok;
    }

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
