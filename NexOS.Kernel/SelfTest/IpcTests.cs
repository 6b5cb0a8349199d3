using NexOS.Core.Ipc;
using NexOS.Core.Metrics;
using NexOS.Core.Policy;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Ipc;
using NexOS.Kernel.Workloads;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.SelfTest;

/// <summary>Self tests of IPC between kernel threads.</summary>
internal static class IpcTests
{
    public static void Register()
    {
        SelfTestRunner.Add("IPC call and reply across threads", CallReply);
        SelfTestRunner.Add("IPC receive times out", ReceiveTimesOut);
        SelfTestRunner.Add("IPC fast path: a call switches straight to the waiting server; its timeout still fires", CallTimesOutOnTheFastPath);
        SelfTestRunner.Add("IPC fast path off: every call and reply takes the slow path", FastPathOffFallsBack);
        SelfTestRunner.Add("IPC needs a capability with the right rights", CapabilitiesAreChecked);
        SelfTestRunner.Add("notification wakes a waiting thread", NotificationWakes);
    }

    /// <summary>Also the fast path's main case: 400 calls and replies, nearly all direct
    /// switches (a timer interrupt may refuse a few). The server's last receive has its timeout
    /// armed by the fast path; joining the server proves that timer fired.</summary>
    private static void CallReply()
    {
        ulong taken = Scheduler.FastPath.Taken;
        var pair = new PingPong("selftest-ipc", 200, new LatencyHistogram("t", "ns", ""));
        pair.Start();
        Scheduler.Join(pair.Client);
        Scheduler.Join(pair.Server);
        Expect.Equal(200, pair.Completed, "round trips completed");
        Expect.Equal(0, pair.Errors, "replies carried request + 1");
        Expect.True(Scheduler.FastPath.Taken - taken >= 200, "calls and replies switched directly");
    }

    /// <summary>A call that the server receives but never answers: the call goes through the
    /// fast path, which arms the caller's timeout without programming the timer itself; the
    /// switch must still program it, or the caller would wait for ever.</summary>
    private static void CallTimesOutOnTheFastPath()
    {
        Endpoint endpoint = KernelIpc.CreateEndpoint("selftest-keep");
        IpcStatus late = IpcStatus.Ok;
        KernelThread server = new("keep-server", () =>
        {
            if (KernelIpc.Receive(1, 1_000_000_000) == IpcStatus.Ok)
            {
                Scheduler.Sleep(20_000_000);
                var answer = new IpcMessage { Label = 1, WordCount = 0 };
                late = KernelIpc.Reply(in answer);
            }
        }, SchedClass.Normal, 16);
        Expect.Equal(1, KernelIpc.Grant(server, endpoint, IpcRights.Receive), "the server's first free slot");
        int slot = KernelIpc.Grant(Scheduler.Current, endpoint, IpcRights.Send);
        Scheduler.Start(server);
        Scheduler.Sleep(2_000_000); // the server is waiting in its receive by now
        ulong taken = Scheduler.FastPath.Taken;
        var request = new IpcMessage { Label = 1, WordCount = 0 };
        IpcStatus status = KernelIpc.Call(slot, in request, 5_000_000);
        Expect.True(Scheduler.FastPath.Taken > taken, "the call switched straight to the waiting server");
        Expect.True(status == IpcStatus.TimedOut, "no reply within 5 ms: the call timed out");
        Scheduler.Join(server);
        Expect.True(late == IpcStatus.DeadPeer, "the late reply found its caller gone");
        Scheduler.Current.Ipc.Capabilities.Delete(slot);
    }

    /// <summary>With hand-off off ("sched.group" handoff = 0) the guards refuse every time and
    /// the slow path answers just as correctly.</summary>
    private static void FastPathOffFallsBack()
    {
        Parameter handOff = Scheduler.Grouping.HandOff;
        long saved = handOff.Value;
        handOff.TrySet(0);
        ulong taken = Scheduler.FastPath.Taken;
        ulong disabled = Scheduler.FastPath.Refusals(FastPathRefusal.Disabled);
        var pair = new PingPong("selftest-slow", 100, new LatencyHistogram("t", "ns", ""));
        pair.Start();
        Scheduler.Join(pair.Client);
        Scheduler.Join(pair.Server);
        handOff.TrySet(saved);
        Expect.Equal(100, pair.Completed, "round trips completed");
        Expect.Equal(0, pair.Errors, "replies carried request + 1");
        Expect.True(Scheduler.FastPath.Taken == taken, "no direct switch with hand-off off");
        Expect.True(Scheduler.FastPath.Refusals(FastPathRefusal.Disabled) - disabled >= 100, "each call refused as disabled");
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
