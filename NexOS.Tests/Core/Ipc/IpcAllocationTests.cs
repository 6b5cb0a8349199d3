using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

/// <summary>
/// IPC runs with interrupts off in the kernel: once the participants, objects and
/// capabilities exist, no operation may allocate. Measured the way the scheduler's tests
/// measure it, after one warm-up round.
/// </summary>
[TestFixture]
public sealed class IpcAllocationTests
{
    [Test]
    public void SendToAWaitingReceiverAndReplyDoNotAllocate()
    {
        var endpoint = new Endpoint();
        var notification = new Notification();
        var client = new IpcParticipant();
        var server = new IpcParticipant();
        int clientSlot = Give(client, endpoint, IpcRights.Send | IpcRights.Grant, badge: 1);
        int serverSlot = Give(server, endpoint, IpcRights.Receive);
        int signalSlot = Give(client, notification, IpcRights.Signal);
        int waitSlot = Give(server, notification, IpcRights.Wait);
        var message = new IpcMessage { Label = 1, WordCount = 4, W0 = 1, W1 = 2, W2 = 3, W3 = 4 };

        RoundTrips(client, server, clientSlot, serverSlot, signalSlot, waitSlot, message, 1);
        ulong sum = 0;
        long allocated = AllocationMeter.Measure(() => sum = RoundTrips(client, server, clientSlot, serverSlot, signalSlot, waitSlot, message, 1_000));

        Assert.That(allocated, Is.Zero);
        Assert.That(sum, Is.EqualTo(1_000UL * 4), "every round delivered its messages");
        Assert.That(endpoint.Statistics.Replies, Is.EqualTo(1_001 * 2));
    }

    /// <summary>The fast paths, in the order a kernel would see them: a plain send to a waiting
    /// receiver, a call to a waiting server answered by Reply and by ReplyReceive, and a
    /// notification signal to a waiter. Returns a checksum so nothing is optimised away.</summary>
    private static ulong RoundTrips(IpcParticipant client, IpcParticipant server, int clientSlot, int serverSlot,
        int signalSlot, int waitSlot, in IpcMessage message, int rounds)
    {
        ulong sum = 0;
        for (int i = 0; i < rounds; i++)
        {
            Endpoint.Receive(server, serverSlot);
            sum += Endpoint.Send(client, clientSlot, message).Woken == server ? 1UL : 0;

            Endpoint.Receive(server, serverSlot);
            Endpoint.Call(client, clientSlot, message);
            sum += Endpoint.Reply(server, message).Woken == client ? 1UL : 0;

            Endpoint.Call(client, clientSlot, message);
            Endpoint.Receive(server, serverSlot);
            IpcResult result = Endpoint.ReplyReceive(server, serverSlot, message);
            sum += result.Woken == client && result.MustBlock ? 1UL : 0;
            server.Cancel();

            Notification.Wait(server, waitSlot);
            sum += Notification.Signal(client, signalSlot, 1).Woken == server ? 1UL : 0;
        }

        return sum;
    }
}
