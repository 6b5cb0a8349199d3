using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

[TestFixture]
public sealed class CancelTests
{
    [Test]
    public void ACancelledSenderLeavesTheQueueAndItsMessageIsNeverDelivered()
    {
        var endpoint = new Endpoint();
        var sender = new IpcParticipant();
        var receiver = new IpcParticipant();
        Endpoint.Send(sender, Give(sender, endpoint, IpcRights.Send), Msg(1));

        Assert.That(sender.Cancel(IpcStatus.TimedOut), Is.True);
        Assert.That((sender.State, sender.WakeStatus, sender.BlockedOn), Is.EqualTo((IpcState.Idle, IpcStatus.TimedOut, (IpcObject?)null)));
        Assert.That(endpoint.SendersWaiting, Is.Zero);
        AssertOk(Endpoint.Receive(receiver, Give(receiver, endpoint, IpcRights.Receive)), mustBlock: true);
        Assert.That(receiver.Message.Label, Is.Zero);
    }

    [Test]
    public void CancellingFromTheMiddleKeepsTheOthersInOrder()
    {
        var endpoint = new Endpoint();
        var receivers = new IpcParticipant[4];
        for (int i = 0; i < receivers.Length; i++)
        {
            receivers[i] = new IpcParticipant();
            Endpoint.Receive(receivers[i], Give(receivers[i], endpoint, IpcRights.Receive));
        }

        Assert.That(receivers[1].Cancel(), Is.True);
        Assert.That(receivers[3].Cancel(), Is.True);
        Assert.That(Walk(endpoint.FirstReceiver), Is.EqualTo(new[] { receivers[0], receivers[2] }));
        Assert.That(receivers[1].Next, Is.Null);

        var sender = new IpcParticipant();
        int slot = Give(sender, endpoint, IpcRights.Send);
        Assert.That(Endpoint.Send(sender, slot, Msg(1)).Woken, Is.SameAs(receivers[0]));
        Assert.That(Endpoint.Send(sender, slot, Msg(2)).Woken, Is.SameAs(receivers[2]));
        AssertOk(Endpoint.Send(sender, slot, Msg(3)), mustBlock: true);
    }

    [Test]
    public void ANotificationWaiterCanBeCancelled()
    {
        var notification = new Notification();
        var waiter = new IpcParticipant();
        Notification.Wait(waiter, Give(waiter, notification, IpcRights.Wait));
        Assert.That(waiter.Cancel(), Is.True);
        Assert.That((notification.Waiting, waiter.WakeStatus), Is.EqualTo((0, IpcStatus.Cancelled)));
        AssertOk(notification.Raise(1), mustBlock: false);
        Assert.That(notification.Pending, Is.EqualTo(1), "the bits wait for the next waiter");
    }

    [Test]
    public void CancellingAnIdleParticipantChangesNothing()
    {
        var p = new IpcParticipant();
        Assert.That(p.Cancel(IpcStatus.TimedOut), Is.False);
        Assert.That((p.State, p.WakeStatus), Is.EqualTo((IpcState.Idle, IpcStatus.Ok)));
    }

    [TestCase(IpcStatus.Ok)]
    [TestCase(IpcStatus.InvalidSlot)]
    [TestCase(IpcStatus.WouldBlock)]
    public void ReasonsOtherThanTimeoutCancelAndDeadPeerBecomeCancelled(IpcStatus reason)
    {
        var endpoint = new Endpoint();
        var p = new IpcParticipant();
        Endpoint.Receive(p, Give(p, endpoint, IpcRights.Receive));
        Assert.That(p.Cancel(reason), Is.True);
        Assert.That(p.WakeStatus, Is.EqualTo(IpcStatus.Cancelled));
    }

    [Test]
    public void ACallerQueuedBeforeDeliveryCanBeCancelled()
    {
        var endpoint = new Endpoint();
        var client = new IpcParticipant();
        var server = new IpcParticipant();
        Endpoint.Call(client, Give(client, endpoint, IpcRights.Send), Msg(1));
        Assert.That(client.Cancel(IpcStatus.TimedOut), Is.True);
        Assert.That((client.IsCall, client.OwnReply.IsArmed), Is.EqualTo((false, false)));
        AssertOk(Endpoint.Receive(server, Give(server, endpoint, IpcRights.Receive)), mustBlock: true);
        Assert.That(server.Capabilities.Count, Is.EqualTo(1), "no reply capability appeared");
    }
}
