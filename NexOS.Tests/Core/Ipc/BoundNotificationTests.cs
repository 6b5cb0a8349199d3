using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

/// <summary>A notification bound to a server ends the server's endpoint receive with its bits,
/// so one wait covers clients and interrupts; the two take turns, and nobody can pose as one.</summary>
[TestFixture]
public sealed class BoundNotificationTests
{
    private Notification _notification = null!;
    private Endpoint _endpoint = null!;
    private IpcParticipant _server = null!;
    private IpcParticipant _client = null!;
    private IpcParticipant _signaller = null!;
    private int _serverWait;
    private int _serverReceive;
    private int _clientSend;
    private int _signal;

    [SetUp]
    public void SetUp()
    {
        _notification = new Notification();
        _endpoint = new Endpoint();
        _server = new IpcParticipant();
        _client = new IpcParticipant();
        _signaller = new IpcParticipant();
        _serverWait = Give(_server, _notification, IpcRights.Wait);
        _serverReceive = Give(_server, _endpoint, IpcRights.Receive);
        _clientSend = Give(_client, _endpoint, IpcRights.Send);
        _signal = Give(_signaller, _notification, IpcRights.Signal);
        Assert.That(Notification.Bind(_server, _serverWait), Is.EqualTo(IpcStatus.Ok));
    }

    [Test]
    public void ASignalEndsAWaitingReceiveWithTheBits()
    {
        AssertOk(Endpoint.Receive(_server, _serverReceive), mustBlock: true);
        AssertOk(Notification.Signal(_signaller, _signal, 0x5), mustBlock: false, woken: _server);
        Assert.That((_server.State, _server.Badge, _server.Message.Label, _server.Message.W0),
            Is.EqualTo((IpcState.Idle, IpcParticipant.NotificationBadge, 0UL, 0x5UL)));
        Assert.That(_endpoint.ReceiversWaiting, Is.Zero, "the server left the endpoint's queue");
        Assert.That(_notification.Pending, Is.Zero);
    }

    [Test]
    public void PendingBitsEndAReceiveAtOnce()
    {
        AssertOk(Notification.Signal(_signaller, _signal, 0x2), mustBlock: false);
        AssertOk(Endpoint.Receive(_server, _serverReceive), mustBlock: false);
        Assert.That((_server.Badge, _server.Message.W0), Is.EqualTo((IpcParticipant.NotificationBadge, 0x2UL)));
    }

    [Test]
    public void SendersAndBitsTakeTurns()
    {
        IpcParticipant[] clients = [_client, new IpcParticipant(), new IpcParticipant()];
        for (int i = 0; i < clients.Length; i++)
        {
            int slot = i == 0 ? _clientSend : Give(clients[i], _endpoint, IpcRights.Send, badge: (ulong)(10 + i));
            AssertOk(Endpoint.Send(clients[i], slot, new IpcMessage { Label = (ulong)i, WordCount = 0 }), mustBlock: true);
        }

        var order = new List<ulong>();
        for (int round = 0; round < 6; round++)
        {
            // An interrupt storm: bits are pending before every receive.
            AssertOk(Notification.Signal(_signaller, _signal, 1UL << round), mustBlock: false);
            Assert.That(Endpoint.Receive(_server, _serverReceive).Status, Is.EqualTo(IpcStatus.Ok));
            order.Add(_server.Badge == IpcParticipant.NotificationBadge ? ulong.MaxValue : _server.Message.Label);
        }

        Assert.That(order, Is.EqualTo(new[] { ulong.MaxValue, 0UL, ulong.MaxValue, 1UL, ulong.MaxValue, 2UL }));
    }

    [Test]
    public void ASignalWithTheServerBusyWaitsAsBits()
    {
        AssertOk(Notification.Signal(_signaller, _signal, 0x8), mustBlock: false);
        Assert.That(_notification.Pending, Is.EqualTo(0x8UL));
        Assert.That(_server.State, Is.EqualTo(IpcState.Idle));
    }

    [Test]
    public void AWaiterOnTheNotificationItselfStillComesFirst()
    {
        var other = new IpcParticipant();
        AssertOk(Notification.Wait(other, Give(other, _notification, IpcRights.Wait)), mustBlock: true);
        AssertOk(Endpoint.Receive(_server, _serverReceive), mustBlock: true);
        AssertOk(Notification.Signal(_signaller, _signal, 0x1), mustBlock: false, woken: other);
        Assert.That(_server.State, Is.EqualTo(IpcState.BlockedReceiving));
    }

    [Test]
    public void BindingTwiceOrBindingABoundNotificationIsRefused()
    {
        var second = new Notification();
        Assert.That(Notification.Bind(_server, Give(_server, second, IpcRights.Wait)), Is.EqualTo(IpcStatus.InvalidMessage));
        var other = new IpcParticipant();
        Assert.That(Notification.Bind(other, Give(other, _notification, IpcRights.Wait)), Is.EqualTo(IpcStatus.InvalidMessage));
        var signalOnly = new IpcParticipant();
        Assert.That(Notification.Bind(signalOnly, Give(signalOnly, new Notification(), IpcRights.Signal)), Is.EqualTo(IpcStatus.InsufficientRights));
        Assert.That(Notification.Bind(signalOnly, Give(signalOnly, new Endpoint(), IpcRights.All)), Is.EqualTo(IpcStatus.WrongObjectType));
    }

    [Test]
    public void AfterUnbindingASignalLeavesTheReceiveAlone()
    {
        Notification.Unbind(_server);
        Assert.That((_server.BoundNotification, _notification.BoundTo), Is.EqualTo(((Notification?)null, (IpcParticipant?)null)));
        AssertOk(Endpoint.Receive(_server, _serverReceive), mustBlock: true);
        AssertOk(Notification.Signal(_signaller, _signal, 0x1), mustBlock: false);
        Assert.That(_server.State, Is.EqualTo(IpcState.BlockedReceiving));
        Assert.That(Notification.Bind(_client, Give(_client, _notification, IpcRights.Wait)), Is.EqualTo(IpcStatus.Ok), "free to bind again");
    }

    [Test]
    public void NoCapabilityCanCarryTheNotificationBadge()
    {
        int copySlot = Give(_client, new Endpoint(), IpcRights.All);
        Assert.That(_client.Capabilities.Derive(copySlot, IpcRights.Send, IpcParticipant.NotificationBadge, out int slot), Is.EqualTo(IpcStatus.InsufficientRights));
        Assert.That(slot, Is.EqualTo(-1));
        Assert.That(_client.Capabilities.Insert(new Endpoint(), IpcRights.Send, IpcParticipant.NotificationBadge, out _), Is.EqualTo(IpcStatus.InsufficientRights));
    }

    [Test]
    public void ABlockedCallIsNotEndedByTheBits()
    {
        var other = new Endpoint();
        int call = Give(_server, other, IpcRights.Send);
        AssertOk(Endpoint.Call(_server, call, new IpcMessage { Label = 1 }), mustBlock: true);
        AssertOk(Notification.Signal(_signaller, _signal, 0x1), mustBlock: false);
        Assert.That(_server.State, Is.EqualTo(IpcState.BlockedSending));
        Assert.That(_notification.Pending, Is.EqualTo(0x1UL));
    }
}
