using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>An IPC message: a label and four words, carried in registers.</summary>
public struct Message
{
    public ulong Label;
    public ulong W0;
    public ulong W1;
    public ulong W2;
    public ulong W3;
}

/// <summary>What a server may do with the buffer a call grants it.</summary>
[Flags]
public enum GrantAccess
{
    /// <summary>The server reads the buffer (the call sends data).</summary>
    Read = 1,

    /// <summary>The server fills the buffer (the call fetches data).</summary>
    Write = 2,

    ReadWrite = Read | Write,
}

/// <summary>
/// IPC through capabilities (docs/syscalls.md): endpoints for calls and replies,
/// notifications for signals. Every call returns a status; none throws or allocates.
/// </summary>
public static class Ipc
{
    /// <summary>Creates an endpoint; returns its slot, or a negated status.</summary>
    public static long CreateEndpoint() => SyscallNative.Call(Syscall.EndpointCreate);

    /// <summary>Creates a notification; returns its slot, or a negated status.</summary>
    public static long CreateNotification() => SyscallNative.Call(Syscall.NotificationCreate);

    /// <summary>Sends <paramref name="message"/> and waits for the reply, which replaces it.</summary>
    public static SyscallStatus Call(int endpoint, ref Message message)
    {
        Span<ulong> r = stackalloc ulong[6];
        Load(r, (ulong)endpoint, in message);
        SyscallStatus status = Syscalls.StatusOf(SyscallBuffers.CallRegisters(Syscall.IpcCall, r));
        if (status == SyscallStatus.Ok)
        {
            Store(r, ref message);
        }

        return status;
    }

    /// <summary>
    /// Calls as <see cref="Call"/> does and grants the server <paramref name="buffer"/> (1 byte to
    /// <see cref="UserAbi.MaxGrantLength"/>, 256 KiB) until the reply: the server copies from it (<see cref="ReadGrant"/>) and into it
    /// (<see cref="WriteGrant"/>) as <paramref name="access"/> allows. The endpoint capability
    /// needs the Grant right. W2 and W3 of the message carry the grant, so only Label, W0 and
    /// W1 travel; the reply replaces the whole message.
    /// </summary>
    public static SyscallStatus CallGranting(int endpoint, ref Message message, Span<byte> buffer, GrantAccess access)
    {
        Span<ulong> r = stackalloc ulong[6];
        Load(r, (ulong)endpoint, in message);
        SyscallStatus status = Syscalls.StatusOf(SyscallBuffers.CallGranting(r, buffer, (ulong)access));
        if (status == SyscallStatus.Ok)
        {
            Store(r, ref message);
        }

        return status;
    }

    /// <summary>In a server: the length of the buffer the call being served grants (0 for
    /// none), read from the message as it arrived.</summary>
    public static int GrantedLength(in Message request) =>
        (request.Label & UserAbi.GrantFlag) != 0 ? (int)(uint)request.W3 : 0;

    /// <summary>In a server: copies <paramref name="destination"/>.Length bytes from offset
    /// <paramref name="offset"/> of the granted buffer. BadGrant means the caller's buffer is
    /// not what it claimed; PeerDied that the caller is gone.</summary>
    public static SyscallStatus ReadGrant(ulong offset, Span<byte> destination) =>
        Syscalls.StatusOf(SyscallBuffers.GrantRead(offset, destination));

    /// <summary>In a server: copies <paramref name="source"/> into the granted buffer at
    /// <paramref name="offset"/>.</summary>
    public static SyscallStatus WriteGrant(ulong offset, ReadOnlySpan<byte> source) =>
        Syscalls.StatusOf(SyscallBuffers.GrantWrite(offset, source));

    /// <summary>In a server: reads from the grant of the call whose reply is saved in
    /// <paramref name="saved"/> (<see cref="SaveReply"/>).</summary>
    public static SyscallStatus ReadSavedGrant(int saved, ulong offset, Span<byte> destination) =>
        Syscalls.StatusOf(SyscallBuffers.GrantRead(offset, destination, saved));

    /// <summary>In a server: writes into the grant of the call whose reply is saved in
    /// <paramref name="saved"/>.</summary>
    public static SyscallStatus WriteSavedGrant(int saved, ulong offset, ReadOnlySpan<byte> source) =>
        Syscalls.StatusOf(SyscallBuffers.GrantWrite(offset, source, saved));

    /// <summary>In a server: keeps the call being served for later. Returns the slot its reply
    /// capability moved to (answer it with <see cref="ReplySaved"/>; closing the slot fails the
    /// caller with PeerDied), or a negated status (BadCapability: no call is being served).</summary>
    public static long SaveReply() => SyscallNative.Call(Syscall.IpcReplySave);

    /// <summary>Answers the call saved in <paramref name="saved"/> with <paramref name="message"/>;
    /// PeerDied when its caller stopped waiting. The slot is empty afterwards either way.</summary>
    public static SyscallStatus ReplySaved(int saved, in Message message)
    {
        Span<ulong> r = stackalloc ulong[6];
        Load(r, (ulong)saved, in message);
        return Syscalls.StatusOf(SyscallBuffers.CallRegisters(Syscall.IpcReplySaved, r));
    }

    /// <summary>Sends <paramref name="message"/>, waiting for a receiver.</summary>
    public static SyscallStatus Send(int endpoint, in Message message)
    {
        Span<ulong> r = stackalloc ulong[6];
        Load(r, (ulong)endpoint, in message);
        return Syscalls.StatusOf(SyscallBuffers.CallRegisters(Syscall.IpcSend, r));
    }

    /// <summary>Waits for a message (at most <paramref name="timeoutNs"/>; 0: no limit).</summary>
    public static SyscallStatus Receive(int endpoint, out Message message, out ulong badge, ulong timeoutNs = 0)
    {
        Span<ulong> r = stackalloc ulong[6];
        r[0] = (ulong)endpoint;
        r[1] = timeoutNs;
        message = default;
        SyscallStatus status = Syscalls.StatusOf(SyscallBuffers.CallRegisters(Syscall.IpcReceive, r));
        badge = r[0];
        if (status == SyscallStatus.Ok)
        {
            Store(r, ref message);
        }

        return status;
    }

    /// <summary>Answers the call being served.</summary>
    public static SyscallStatus Reply(in Message message)
    {
        Span<ulong> r = stackalloc ulong[6];
        Load(r, 0, in message);
        return Syscalls.StatusOf(SyscallBuffers.CallRegisters(Syscall.IpcReply, r));
    }

    /// <summary>Answers the call being served with <paramref name="message"/>, then waits for
    /// the next one, which replaces it.</summary>
    public static SyscallStatus ReplyReceive(int endpoint, ref Message message, out ulong badge)
    {
        Span<ulong> r = stackalloc ulong[6];
        Load(r, (ulong)endpoint, in message);
        SyscallStatus status = Syscalls.StatusOf(SyscallBuffers.CallRegisters(Syscall.IpcReplyReceive, r));
        badge = r[0];
        if (status == SyscallStatus.Ok)
        {
            Store(r, ref message);
        }

        return status;
    }

    /// <summary>Sets <paramref name="bits"/> on a notification.</summary>
    public static SyscallStatus Signal(int notification, ulong bits) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.NotifySignal, (ulong)notification, bits));

    /// <summary>Binds a notification to the calling thread: from now on a signal ends the
    /// thread's <see cref="Receive"/> (and <see cref="ReplyReceive"/>) with badge
    /// <see cref="UserAbi.NotificationBadge"/> and the bits in W0, so a server waits for its
    /// clients and its interrupts at once. BadArgument when either is bound already.</summary>
    public static SyscallStatus Bind(int notification) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.NotificationBind, (ulong)notification, 0));

    /// <summary>Undoes the calling thread's <see cref="Bind"/>.</summary>
    public static SyscallStatus Unbind() =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.NotificationBind, 0, 1));

    /// <summary>Waits for bits on a notification (at most <paramref name="timeoutNs"/>; 0: no limit).</summary>
    public static SyscallStatus Wait(int notification, out ulong bits, ulong timeoutNs = 0)
    {
        Span<ulong> r = stackalloc ulong[6];
        r[0] = (ulong)notification;
        r[1] = timeoutNs;
        SyscallStatus status = Syscalls.StatusOf(SyscallBuffers.CallRegisters(Syscall.NotifyWait, r));
        bits = status == SyscallStatus.Ok ? r[0] : 0;
        return status;
    }

    private static void Load(Span<ulong> r, ulong first, in Message m)
    {
        r[0] = first;
        r[1] = m.Label;
        r[2] = m.W0;
        r[3] = m.W1;
        r[4] = m.W2;
        r[5] = m.W3;
    }

    private static void Store(Span<ulong> r, ref Message m)
    {
        m.Label = r[1];
        m.W0 = r[2];
        m.W1 = r[3];
        m.W2 = r[4];
        m.W3 = r[5];
    }
}
