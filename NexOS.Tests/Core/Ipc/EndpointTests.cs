using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

[TestFixture]
public sealed class EndpointTests
{
    private Endpoint _endpoint = null!;
    private IpcParticipant _sender = null!;
    private IpcParticipant _receiver = null!;
    private int _sendSlot;
    private int _receiveSlot;

    [SetUp]
    public void SetUp()
    {
        _endpoint = new Endpoint();
        _sender = new IpcParticipant(tag: "sender");
        _receiver = new IpcParticipant(tag: "receiver");
        _sendSlot = Give(_sender, _endpoint, IpcRights.Send | IpcRights.Grant, badge: 0x51);
        _receiveSlot = Give(_receiver, _endpoint, IpcRights.Receive);
    }

    [Test]
    public void SendThenReceiveQueuesTheSenderUntilTheReceiverComes()
    {
        AssertOk(Endpoint.Send(_sender, _sendSlot, Msg(7, 1, 2)), mustBlock: true);
        Assert.That(_sender.State, Is.EqualTo(IpcState.BlockedSending));
        Assert.That(_sender.BlockedOn, Is.SameAs(_endpoint));
        Assert.That(_endpoint.FirstSender, Is.SameAs(_sender));

        AssertOk(Endpoint.Receive(_receiver, _receiveSlot), mustBlock: false, woken: _sender);
        Assert.That(_receiver.Message.Label, Is.EqualTo(7));
        Assert.That((_receiver.Message.W0, _receiver.Message.W1, _receiver.Message.WordCount), Is.EqualTo((1UL, 2UL, 2)));
        Assert.That(_receiver.Badge, Is.EqualTo(0x51));
        Assert.That(_sender.State, Is.EqualTo(IpcState.Idle));
        Assert.That(_sender.WakeStatus, Is.EqualTo(IpcStatus.Ok));
        Assert.That(_sender.BlockedOn, Is.Null);
        Assert.That(_endpoint.SendersWaiting, Is.Zero);
    }

    [Test]
    public void ReceiveThenSendWakesTheWaitingReceiver()
    {
        AssertOk(Endpoint.Receive(_receiver, _receiveSlot), mustBlock: true);
        Assert.That(_receiver.State, Is.EqualTo(IpcState.BlockedReceiving));
        Assert.That(_endpoint.FirstReceiver, Is.SameAs(_receiver));

        AssertOk(Endpoint.Send(_sender, _sendSlot, Msg(9, 10, 20, 30, 40)), mustBlock: false, woken: _receiver);
        Assert.That(_receiver.State, Is.EqualTo(IpcState.Idle));
        Assert.That(_receiver.WakeStatus, Is.EqualTo(IpcStatus.Ok));
        Assert.That(_receiver.Message.Label, Is.EqualTo(9));
        Assert.That(new[] { _receiver.Message.W0, _receiver.Message.W1, _receiver.Message.W2, _receiver.Message.W3 },
            Is.EqualTo(new ulong[] { 10, 20, 30, 40 }));
        Assert.That(_receiver.Badge, Is.EqualTo(0x51));
        Assert.That(_sender.State, Is.EqualTo(IpcState.Idle));
        Assert.That(_endpoint.ReceiversWaiting, Is.Zero);
    }

    [Test]
    public void WordsPastTheCountArriveAsZero()
    {
        IpcMessage message = Msg(1, 11);
        message.W1 = 0xdead;
        message.W3 = 0xbeef;
        Endpoint.Receive(_receiver, _receiveSlot);
        Endpoint.Send(_sender, _sendSlot, message);
        Assert.That((_receiver.Message.W0, _receiver.Message.W1, _receiver.Message.W3), Is.EqualTo((11UL, 0UL, 0UL)));
        Assert.That(_receiver.Message.GetWord(0), Is.EqualTo(11));
        Assert.That(_receiver.Message.GetWord(1), Is.Zero);
        Assert.That(_receiver.Message.GetWord(-1), Is.Zero);
    }

    [Test]
    public void AGrantTravelsWithTheMessageWhenTheCapabilityAllowsIt()
    {
        var message = new IpcMessage { Label = 3, GrantAddress = 0x40_0000, GrantLength = 8192, GrantRights = IpcGrantRights.Read };
        Endpoint.Send(_sender, _sendSlot, message);
        Endpoint.Receive(_receiver, _receiveSlot);
        Assert.That(_receiver.Message.HasGrant, Is.True);
        Assert.That((_receiver.Message.GrantAddress, _receiver.Message.GrantLength, _receiver.Message.GrantRights),
            Is.EqualTo((0x40_0000UL, 8192u, IpcGrantRights.Read)));

        int noGrant = Give(_sender, _endpoint, IpcRights.Send);
        AssertFails(Endpoint.Send(_sender, noGrant, message), IpcStatus.InsufficientRights);
        AssertOk(Endpoint.Send(_sender, noGrant, Msg(4)), mustBlock: true);
    }

    [Test]
    public void EachSendersBadgeReachesTheReceiver()
    {
        var clients = new IpcParticipant[3];
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i] = new IpcParticipant();
            Give(clients[i], _endpoint, IpcRights.Send, badge: (ulong)(100 + i));
        }

        for (int i = 0; i < clients.Length; i++)
        {
            Endpoint.Receive(_receiver, _receiveSlot);
            AssertOk(Endpoint.Send(clients[i], 1, Msg((ulong)i)), mustBlock: false, woken: _receiver);
            Assert.That((_receiver.Message.Label, _receiver.Badge), Is.EqualTo(((ulong)i, (ulong)(100 + i))));
        }
    }

    [Test]
    public void SendersAreServedFirstInFirstOut()
    {
        var senders = new IpcParticipant[5];
        for (int i = 0; i < senders.Length; i++)
        {
            senders[i] = new IpcParticipant();
            int slot = Give(senders[i], _endpoint, IpcRights.Send, badge: (ulong)i);
            AssertOk(Endpoint.Send(senders[i], slot, Msg(1000 + (ulong)i)), mustBlock: true);
        }

        Assert.That(Walk(_endpoint.FirstSender), Is.EqualTo(senders));
        var labels = new List<ulong>();
        for (int i = 0; i < senders.Length; i++)
        {
            IpcResult result = Endpoint.Receive(_receiver, _receiveSlot);
            Assert.That(result.Woken, Is.SameAs(senders[i]));
            labels.Add(_receiver.Message.Label);
        }

        Assert.That(labels, Is.EqualTo(new ulong[] { 1000, 1001, 1002, 1003, 1004 }));
    }

    [Test]
    public void ReceiversAreServedFirstInFirstOut()
    {
        var receivers = new IpcParticipant[4];
        for (int i = 0; i < receivers.Length; i++)
        {
            receivers[i] = new IpcParticipant();
            Endpoint.Receive(receivers[i], Give(receivers[i], _endpoint, IpcRights.Receive));
        }

        Assert.That(Walk(_endpoint.FirstReceiver), Is.EqualTo(receivers));
        for (int i = 0; i < receivers.Length; i++)
        {
            AssertOk(Endpoint.Send(_sender, _sendSlot, Msg((ulong)i)), mustBlock: false, woken: receivers[i]);
            Assert.That(receivers[i].Message.Label, Is.EqualTo((ulong)i));
        }
    }

    [Test]
    public void TrySendNeverQueues()
    {
        AssertFails(Endpoint.TrySend(_sender, _sendSlot, Msg(1)), IpcStatus.WouldBlock);
        Assert.That(_sender.State, Is.EqualTo(IpcState.Idle));
        Assert.That(_endpoint.SendersWaiting, Is.Zero);
        Assert.That(_endpoint.Statistics.BlockedSends, Is.Zero);

        Endpoint.Receive(_receiver, _receiveSlot);
        AssertOk(Endpoint.TrySend(_sender, _sendSlot, Msg(2)), mustBlock: false, woken: _receiver);
        Assert.That(_receiver.Message.Label, Is.EqualTo(2));
    }

    [Test]
    public void ABlockedParticipantCannotStartAnotherOperation()
    {
        Endpoint.Send(_sender, _sendSlot, Msg(1));
        AssertFails(Endpoint.Send(_sender, _sendSlot, Msg(2)), IpcStatus.NotIdle);
        AssertFails(Endpoint.Receive(_sender, _sendSlot), IpcStatus.NotIdle);
        AssertFails(Endpoint.Reply(_sender, Msg(2)), IpcStatus.NotIdle);
        Assert.That(_endpoint.SendersWaiting, Is.EqualTo(1));
    }

    [Test]
    public void StatisticsCountWhatHappened()
    {
        Endpoint.Send(_sender, _sendSlot, Msg(1));
        Endpoint.Receive(_receiver, _receiveSlot);
        Endpoint.Receive(_receiver, _receiveSlot);
        Endpoint.Send(_sender, _sendSlot, Msg(2));
        IpcStatistics stats = _endpoint.Statistics;
        Assert.That((stats.Messages, stats.BlockedSends, stats.BlockedReceives, stats.Calls, stats.Replies),
            Is.EqualTo((2UL, 1UL, 1UL, 0UL, 0UL)));
    }

    private static IEnumerable<TestCaseData> InvalidMessages()
    {
        yield return new TestCaseData(new IpcMessage { WordCount = 5 }).SetName("FiveWords");
        yield return new TestCaseData(new IpcMessage { WordCount = -1 }).SetName("NegativeWordCount");
        yield return new TestCaseData(new IpcMessage { GrantLength = IpcMessage.MaxGrantLength + 1, GrantRights = IpcGrantRights.Read, GrantAddress = 0x1000 })
            .SetName("GrantTooLong");
        yield return new TestCaseData(new IpcMessage { GrantRights = IpcGrantRights.Write }).SetName("RightsWithoutLength");
        yield return new TestCaseData(new IpcMessage { GrantAddress = 0x1000 }).SetName("AddressWithoutLength");
        yield return new TestCaseData(new IpcMessage { GrantAddress = 0x1000, GrantLength = 16 }).SetName("LengthWithoutRights");
        yield return new TestCaseData(new IpcMessage { GrantAddress = 0x1000, GrantLength = 16, GrantRights = (IpcGrantRights)4 })
            .SetName("UnknownGrantRights");
        yield return new TestCaseData(new IpcMessage { GrantAddress = ulong.MaxValue - 8, GrantLength = 16, GrantRights = IpcGrantRights.Read })
            .SetName("GrantWrapsAround");
    }

    [TestCaseSource(nameof(InvalidMessages))]
    public void InvalidMessagesAreRejectedWithoutChangingState(IpcMessage bad)
    {
        Assert.That(bad.Validate(), Is.False);
        Endpoint.Receive(_receiver, _receiveSlot);
        IpcMessage before = _receiver.Message;
        var caller = new IpcParticipant();
        int slot = Give(caller, _endpoint, IpcRights.All);

        AssertFails(Endpoint.Send(_sender, _sendSlot, bad), IpcStatus.InvalidMessage);
        AssertFails(Endpoint.TrySend(_sender, _sendSlot, bad), IpcStatus.InvalidMessage);
        AssertFails(Endpoint.Call(caller, slot, bad), IpcStatus.InvalidMessage);
        AssertFails(Endpoint.Reply(caller, bad), IpcStatus.InvalidMessage);
        AssertFails(Endpoint.ReplyReceive(caller, slot, bad), IpcStatus.InvalidMessage);

        Assert.That(_receiver.State, Is.EqualTo(IpcState.BlockedReceiving));
        Assert.That(_receiver.Message, Is.EqualTo(before));
        Assert.That(Walk(_endpoint.FirstReceiver), Is.EqualTo(new[] { _receiver }));
        Assert.That((_sender.State, caller.State), Is.EqualTo((IpcState.Idle, IpcState.Idle)));
        IpcStatistics stats = _endpoint.Statistics;
        Assert.That((stats.Messages, stats.BlockedSends, stats.BlockedReceives, stats.Calls), Is.EqualTo((0UL, 0UL, 1UL, 0UL)));
    }

    [Test]
    public void BoundaryMessagesAreValid()
    {
        Assert.That(new IpcMessage().Validate(), Is.True);
        Assert.That(Msg(1, 1, 2, 3, 4).Validate(), Is.True);
        var grant = new IpcMessage
        {
            GrantAddress = ulong.MaxValue - IpcMessage.MaxGrantLength,
            GrantLength = IpcMessage.MaxGrantLength,
            GrantRights = IpcGrantRights.ReadWrite,
        };
        Assert.That(grant.Validate(), Is.True);
    }
}
