using NexOS.Core.Ipc;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Ipc;

/// <summary>
/// IPC as kernel threads use it: each call runs the portable IPC rules (NexOS.Core.Ipc) with
/// interrupts off, wakes whoever they delivered to, and blocks the caller when they say so.
/// The protocol is the one services will use from ring 3; only the trap in front changes.
/// </summary>
internal static class KernelIpc
{
    private static readonly List<(string Name, IpcObject Object)> s_objects = new();

    /// <summary>Named endpoints and notifications, for the `ipc` command.</summary>
    public static IReadOnlyList<(string Name, IpcObject Object)> Objects => s_objects;

    public static Endpoint CreateEndpoint(string name)
    {
        var endpoint = new Endpoint();
        lock (s_objects)
        {
            s_objects.Add((name, endpoint));
        }

        return endpoint;
    }

    public static Notification CreateNotification(string name)
    {
        var notification = new Notification();
        lock (s_objects)
        {
            s_objects.Add((name, notification));
        }

        return notification;
    }

    /// <summary>Gives <paramref name="thread"/> a capability; returns its slot or -1.</summary>
    public static int Grant(KernelThread thread, IpcObject obj, IpcRights rights, ulong badge = 0)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = thread.Ipc.Capabilities.Insert(obj, rights, badge, out int slot);
        InterruptState.Restore(flags);
        return status == IpcStatus.Ok ? slot : -1;
    }

    public static IpcStatus Send(int slot, in IpcMessage message, ulong timeoutNs = 0)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Complete(Endpoint.Send(Me, slot, in message), timeoutNs);
        InterruptState.Restore(flags);
        return status;
    }

    public static IpcStatus Receive(int slot, ulong timeoutNs = 0)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Complete(Endpoint.Receive(Me, slot), timeoutNs);
        InterruptState.Restore(flags);
        return status;
    }

    /// <summary>Sends and waits for the reply, which is then in the caller's Ipc.Message.</summary>
    public static IpcStatus Call(int slot, in IpcMessage message, ulong timeoutNs = 0)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Complete(Endpoint.Call(Me, slot, in message), timeoutNs);
        InterruptState.Restore(flags);
        return status;
    }

    public static IpcStatus Reply(in IpcMessage message)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Complete(Endpoint.Reply(Me, in message), 0);
        InterruptState.Restore(flags);
        return status;
    }

    /// <summary>The server loop's single operation: answer the last call and wait for the next.</summary>
    public static IpcStatus ReplyReceive(int slot, in IpcMessage message, ulong timeoutNs = 0)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Complete(Endpoint.ReplyReceive(Me, slot, in message), timeoutNs);
        InterruptState.Restore(flags);
        return status;
    }

    public static IpcStatus Signal(int slot, ulong bits)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Complete(Notification.Signal(Me, slot, bits), 0);
        InterruptState.Restore(flags);
        return status;
    }

    /// <summary>Moves the reply capability of the call being served to an ordinary slot.</summary>
    public static IpcStatus SaveReply(ref int slot)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Endpoint.SaveReply(Me, out slot);
        InterruptState.Restore(flags);
        return status;
    }

    /// <summary>Answers the call whose reply capability was saved in <paramref name="slot"/>.</summary>
    public static IpcStatus ReplySaved(int slot, in IpcMessage message)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Complete(Endpoint.ReplySaved(Me, slot, in message), 0);
        InterruptState.Restore(flags);
        return status;
    }

    /// <summary>Binds the notification in <paramref name="slot"/> to the calling thread, or
    /// undoes the thread's binding.</summary>
    public static IpcStatus Bind(int slot, bool unbind)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = IpcStatus.Ok;
        if (unbind)
        {
            Notification.Unbind(Me);
        }
        else
        {
            status = Notification.Bind(Me, slot);
        }

        InterruptState.Restore(flags);
        return status;
    }

    /// <summary>Waits for notification bits, which are then in the caller's Ipc.ReceivedBits.</summary>
    public static IpcStatus Wait(int slot, ulong timeoutNs = 0)
    {
        ulong flags = InterruptState.Disable();
        IpcStatus status = Complete(Notification.Wait(Me, slot), timeoutNs);
        InterruptState.Restore(flags);
        return status;
    }

    private static IpcParticipant Me => Scheduler.Current.Ipc;

    /// <summary>Carries out what the IPC rules decided. Interrupts are off. A call that found
    /// its server waiting, or a reply that found its caller waiting, first tries the fast path
    /// (a direct switch to the partner on the caller's slice); when a guard refuses, the slow
    /// path below wakes through the run queue and blocks.</summary>
    private static IpcStatus Complete(IpcResult result, ulong timeoutNs)
    {
        if (result.Status != IpcStatus.Ok)
        {
            return result.Status;
        }

        int wokenCount = (result.Woken != null ? 1 : 0) + (result.AlsoWoken != null ? 1 : 0);
        if (result.MustBlock && result.Woken != null && Scheduler.TryIpcHandOff(result.Woken, wokenCount, callerBlocks: true, timeoutNs))
        {
            return Me.WakeStatus;
        }

        if (result.Woken != null)
        {
            Scheduler.WakeIpc(result.Woken);
            Scheduler.NoteIpcWake(result.Woken, result.MustBlock);
        }

        if (result.AlsoWoken != null)
        {
            Scheduler.WakeIpc(result.AlsoWoken);
            Scheduler.NoteIpcWake(result.AlsoWoken, false);
        }

        if (!result.MustBlock)
        {
            // A woken thread of higher priority runs now rather than at the next interrupt.
            Scheduler.PreemptIfNeeded();
            return IpcStatus.Ok;
        }

        Scheduler.BlockForIpc(timeoutNs);
        return Me.WakeStatus;
    }
}
