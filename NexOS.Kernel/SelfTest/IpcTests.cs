using NexOS.Core.Ipc;
using NexOS.Core.Metrics;
using NexOS.Kernel.Core.Ipc;
using NexOS.Kernel.Core.Threading;

namespace NexOS.Kernel.SelfTest;

/// <summary>Self tests of IPC between kernel threads.</summary>
internal static class IpcTests
{
    public static void Register()
    {
        SelfTestRunner.Add("IPC call and reply across threads", CallReply);
        SelfTestRunner.Add("IPC receive times out", ReceiveTimesOut);
        SelfTestRunner.Add("IPC needs a capability with the right rights", CapabilitiesAreChecked);
        SelfTestRunner.Add("notification wakes a waiting thread", NotificationWakes);
    }

    private static void CallReply()
    {
        var pair = new PingPong("selftest-ipc", 200, new LatencyHistogram("t", "ns", ""));
        pair.Start();
        Scheduler.Join(pair.Client);
        Scheduler.Join(pair.Server);
        Expect.Equal(200, pair.Completed, "round trips completed");
        Expect.Equal(0, pair.Errors, "replies carried request + 1");
    }

    private static void ReceiveTimesOut()
    {
        Endpoint endpoint = KernelIpc.CreateEndpoint("selftest-idle");
        int slot = KernelIpc.Grant(Scheduler.Current, endpoint, IpcRights.Receive);
        Expect.True(slot > 0, "capability granted");
        Expect.True(KernelIpc.Receive(slot, 2_000_000) == IpcStatus.TimedOut, "nobody sent within 2 ms");
        Scheduler.Current.Ipc.Capabilities.Delete(slot);
    }

    private static void CapabilitiesAreChecked()
    {
        Endpoint endpoint = KernelIpc.CreateEndpoint("selftest-rights");
        int receiveOnly = KernelIpc.Grant(Scheduler.Current, endpoint, IpcRights.Receive);
        var message = new IpcMessage { Label = 7, WordCount = 0 };
        Expect.True(KernelIpc.Send(receiveOnly, in message) == IpcStatus.InsufficientRights, "a receive-only capability cannot send");
        Expect.True(KernelIpc.Send(60, in message) == IpcStatus.EmptySlot, "an empty slot");
        Expect.True(KernelIpc.Send(100_000, in message) == IpcStatus.InvalidSlot, "a slot beyond the table");
        Scheduler.Current.Ipc.Capabilities.Delete(receiveOnly);
    }

    private static void NotificationWakes()
    {
        Notification notification = KernelIpc.CreateNotification("selftest-note");
        ulong seen = 0;
        KernelThread waiter = new("note-waiter", () =>
        {
            int slot = 1;
            if (KernelIpc.Wait(slot, 1_000_000_000) == IpcStatus.Ok)
            {
                seen = Scheduler.Current.Ipc.ReceivedBits;
            }
        }, NexOS.Core.Scheduling.SchedClass.Normal, 16);
        int waitSlot = KernelIpc.Grant(waiter, notification, IpcRights.Wait);
        Expect.Equal(1, waitSlot, "the waiter's first free slot");
        int signalSlot = KernelIpc.Grant(Scheduler.Current, notification, IpcRights.Signal);
        Scheduler.Start(waiter);
        Scheduler.Sleep(2_000_000);
        Expect.True(KernelIpc.Signal(signalSlot, 0b101) == IpcStatus.Ok, "signalled");
        Scheduler.Join(waiter);
        Expect.Equal(0b101UL, seen, "the waiter received the bits");
        Scheduler.Current.Ipc.Capabilities.Delete(signalSlot);
    }
}
