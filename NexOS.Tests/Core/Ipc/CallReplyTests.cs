using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

[TestFixture]
public sealed class CallReplyTests
{
    private const int Reply = CapabilityTable.ReplySlot;

    private Endpoint _endpoint = null!;
    private IpcParticipant _server = null!;
    private IpcParticipant _client = null!;
    private int _serverSlot;
    private int _clientSlot;

    [SetUp]
    public void SetUp()
    {
        _endpoint = new Endpoint();
        _server = new IpcParticipant(tag: "server");
        _client = new IpcParticipant(tag: "client");
        _serverSlot = Give(_server, _endpoint, IpcRights.Receive);
        _clientSlot = Give(_client, _endpoint, IpcRights.Send, badge: 5);
    }

    [Test]
    public void ACallToAWaitingServerRoundTripsWithAOneShotReplyCapability()
    {
        AssertOk(Endpoint.Receive(_server, _serverSlot), mustBlock: true);
        AssertOk(Endpoint.Call(_client, _clientSlot, Msg(1, 10)), mustBlock: true, woken: _server);
        Assert.That(_client.State, Is.EqualTo(IpcState.BlockedCall));
        Assert.That(_client.IsCall, Is.True);
        Assert.That(_client.BlockedOn, Is.Null, "a caller waiting for its reply is on no queue");
        Assert.That(_client.OwnReply.IsArmed, Is.True);
        Assert.That((_server.Message.Label, _server.Message.W0, _server.Badge), Is.EqualTo((1UL, 10UL, 5UL)));
        Assert.That(_server.Capabilities.Lookup(Reply, IpcRights.Send, out ReplyObject? reply, out _), Is.EqualTo(IpcStatus.Ok));
        Assert.That(reply!.Caller, Is.SameAs(_client));

        AssertOk(Endpoint.Reply(_server, Msg(2, 20)), mustBlock: false, woken: _client);
        Assert.That((_client.State, _client.WakeStatus, _client.IsCall), Is.EqualTo((IpcState.Idle, IpcStatus.Ok, false)));
        Assert.That((_client.Message.Label, _client.Message.W0, _client.Badge), Is.EqualTo((2UL, 20UL, 0UL)));
        Assert.That(_client.OwnReply.IsArmed, Is.False);
        Assert.That(_server.Capabilities.Lookup(Reply, IpcRights.None, out ReplyObject? _, out _), Is.EqualTo(IpcStatus.EmptySlot));

        AssertFails(Endpoint.Reply(_server, Msg(3)), IpcStatus.NoReplyCapability);
        Assert.That(_client.Message.Label, Is.EqualTo(2), "the second reply delivered nothing");
        Assert.That((_endpoint.Statistics.Calls, _endpoint.Statistics.Replies), Is.EqualTo((1UL, 1UL)));
    }

    [Test]
    public void ACallBeforeTheServerQueuesAndTheServerLeavesTheCallerWaiting()
    {
        AssertOk(Endpoint.Call(_client, _clientSlot, Msg(1)), mustBlock: true);
        Assert.That((_client.State, _client.IsCall), Is.EqualTo((IpcState.BlockedSending, true)));
        Assert.That(_endpoint.FirstSender, Is.SameAs(_client));

        AssertOk(Endpoint.Receive(_server, _serverSlot), mustBlock: false, woken: null);
        Assert.That(_client.State, Is.EqualTo(IpcState.BlockedCall));
        Assert.That(_endpoint.SendersWaiting, Is.Zero);
        AssertOk(Endpoint.Reply(_server, Msg(2)), mustBlock: false, woken: _client);
        Assert.That(_client.Message.Label, Is.EqualTo(2));
    }

    [Test]
    public void ReplyReceiveAnswersOneCallerAndTakesTheNext()
    {
        var second = new IpcParticipant();
        int secondSlot = Give(second, _endpoint, IpcRights.Send, badge: 6);
        Endpoint.Call(_client, _clientSlot, Msg(100));
        Endpoint.Call(second, secondSlot, Msg(200));

        AssertOk(Endpoint.Receive(_server, _serverSlot), mustBlock: false);
        Assert.That(_server.Message.Label, Is.EqualTo(100));

        IpcResult result = Endpoint.ReplyReceive(_server, _serverSlot, Msg(101));
        AssertOk(result, mustBlock: false, woken: _client);
        Assert.That(result.AlsoWoken, Is.Null, "the next message was a call, so its sender keeps waiting");
        Assert.That(_client.Message.Label, Is.EqualTo(101));
        Assert.That((_server.Message.Label, _server.Badge), Is.EqualTo((200UL, 6UL)));
        Assert.That(second.State, Is.EqualTo(IpcState.BlockedCall));

        result = Endpoint.ReplyReceive(_server, _serverSlot, Msg(201));
        AssertOk(result, mustBlock: true, woken: second);
        Assert.That(second.Message.Label, Is.EqualTo(201));
        Assert.That(_server.State, Is.EqualTo(IpcState.BlockedReceiving));
        Assert.That(_endpoint.Statistics.Replies, Is.EqualTo(2));
    }

    [Test]
    public void ReplyReceiveCanWakeTheCallerAndAPlainSender()
    {
        var sender = new IpcParticipant();
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        Endpoint.Send(sender, Give(sender, _endpoint, IpcRights.Send), Msg(2));

        IpcResult result = Endpoint.ReplyReceive(_server, _serverSlot, Msg(3));
        AssertOk(result, mustBlock: false, woken: _client);
        Assert.That(result.AlsoWoken, Is.SameAs(sender));
        Assert.That((sender.State, _server.Message.Label), Is.EqualTo((IpcState.Idle, 2UL)));
    }

    [Test]
    public void ReplyReceiveWithoutAReplyCapabilityDoesNothing()
    {
        AssertFails(Endpoint.ReplyReceive(_server, _serverSlot, Msg(1)), IpcStatus.NoReplyCapability);
        Assert.That(_server.State, Is.EqualTo(IpcState.Idle));
        Assert.That(_endpoint.ReceiversWaiting, Is.Zero);
        AssertFails(Endpoint.Reply(_server, Msg(1)), IpcStatus.NoReplyCapability);
    }

    [Test]
    public void ReplyReceiveChecksTheReceiveHalfBeforeReplying()
    {
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        int sendOnly = Give(_server, _endpoint, IpcRights.Send);
        AssertFails(Endpoint.ReplyReceive(_server, sendOnly, Msg(2)), IpcStatus.InsufficientRights);
        Assert.That(_client.State, Is.EqualTo(IpcState.BlockedCall), "the reply half did not happen either");
        Assert.That(_server.Capabilities.Lookup(Reply, IpcRights.Send, out ReplyObject? _, out _), Is.EqualTo(IpcStatus.Ok));
    }

    [Test]
    public void AServerThatOwesAReplyCannotReceive()
    {
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        AssertFails(Endpoint.Receive(_server, _serverSlot), IpcStatus.ReplyPending);
        Endpoint.Reply(_server, Msg(2));
        AssertOk(Endpoint.Receive(_server, _serverSlot), mustBlock: true);
    }

    [Test]
    public void ReplyCapabilitiesCannotBeCopiedOrDeleted()
    {
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        Assert.That(_server.Capabilities.Derive(Reply, IpcRights.Send, 0, out _), Is.EqualTo(IpcStatus.WrongObjectType));
        Assert.That(_server.Capabilities.Delete(Reply), Is.EqualTo(IpcStatus.InvalidSlot));
        Assert.That(_server.Capabilities.Insert(_client.OwnReply, IpcRights.Send, 0, out _), Is.EqualTo(IpcStatus.WrongObjectType));
        AssertFails(Endpoint.Send(_server, Reply, Msg(2)), IpcStatus.WrongObjectType);
    }

    [Test]
    public void AReplyMayGrantOnlyIfTheCallersCapabilityHadGrant()
    {
        var grant = new IpcMessage { GrantAddress = 0x2000, GrantLength = 4096, GrantRights = IpcGrantRights.Write };
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        AssertFails(Endpoint.Reply(_server, grant), IpcStatus.InsufficientRights);
        Assert.That(_client.State, Is.EqualTo(IpcState.BlockedCall));
        Endpoint.Reply(_server, Msg(2));

        int granting = Give(_client, _endpoint, IpcRights.Send | IpcRights.Grant);
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, granting, Msg(3));
        AssertOk(Endpoint.Reply(_server, grant), mustBlock: false, woken: _client);
        Assert.That(_client.Message.GrantLength, Is.EqualTo(4096));
    }

    [Test]
    public void TheServerSeesTheCallsGrantThroughItsLiveReplyUntilTheAnswer()
    {
        int granting = Give(_client, _endpoint, IpcRights.Send | IpcRights.Grant);
        var call = new IpcMessage { Label = 7, GrantAddress = 0x40_1000, GrantLength = 512, GrantRights = IpcGrantRights.Write };
        Assert.That(_server.Capabilities.LiveReply, Is.Null, "no call is being served yet");
        Endpoint.Receive(_server, _serverSlot);
        AssertOk(Endpoint.Call(_client, granting, call), mustBlock: true, woken: _server);

        ReplyObject? reply = _server.Capabilities.LiveReply;
        Assert.That(reply, Is.Not.Null);
        Assert.That((reply!.Caller, reply.GrantAddress, reply.GrantLength, reply.GrantRights),
            Is.EqualTo((_client, 0x40_1000UL, 512u, IpcGrantRights.Write)));

        AssertOk(Endpoint.Reply(_server, Msg(8)), mustBlock: false, woken: _client);
        Assert.That(_server.Capabilities.LiveReply, Is.Null, "the answered call's grant is gone");
        Assert.That((_client.OwnReply.GrantLength, _client.OwnReply.GrantRights), Is.EqualTo((0u, IpcGrantRights.None)));
    }

    [Test]
    public void ACallerThatGivesUpTakesItsGrantAwayFromTheServer()
    {
        int granting = Give(_client, _endpoint, IpcRights.Send | IpcRights.Grant);
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, granting, new IpcMessage { GrantAddress = 0x9000, GrantLength = 64, GrantRights = IpcGrantRights.Read });
        Assert.That(_server.Capabilities.LiveReply, Is.Not.Null);

        Assert.That(_client.Cancel(IpcStatus.Cancelled), Is.True);
        Assert.That(_server.Capabilities.LiveReply, Is.Null, "a killed or timed-out caller's buffer must not be reachable");

        // The caller calls again without a grant: the stale capability must not show the new call.
        Endpoint.Call(_client, _clientSlot, Msg(3));
        Assert.That(_server.Capabilities.LiveReply, Is.Null);
    }

    [Test]
    public void ACallWithoutAGrantShowsNone()
    {
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        Assert.That(_server.Capabilities.LiveReply!.GrantLength, Is.Zero);
        Assert.That(_server.Capabilities.LiveReply!.GrantRights, Is.EqualTo(IpcGrantRights.None));
    }

    [Test]
    public void ReplyingToACallerThatGaveUpReportsDeadPeerAndConsumesTheCapability()
    {
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        Assert.That(_client.Cancel(IpcStatus.TimedOut), Is.True);
        Assert.That((_client.State, _client.WakeStatus), Is.EqualTo((IpcState.Idle, IpcStatus.TimedOut)));

        AssertOk(Endpoint.Receive(_server, _serverSlot), mustBlock: true);
        Assert.That(_server.Cancel(), Is.True);
        AssertFails(Endpoint.Reply(_server, Msg(2)), IpcStatus.DeadPeer);
        AssertFails(Endpoint.Reply(_server, Msg(2)), IpcStatus.NoReplyCapability);
        Assert.That(_client.Message.Label, Is.Zero, "nothing reached the client");
    }

    [Test]
    public void AStaleReplyCapabilityCannotAnswerTheCallersNextCall()
    {
        var other = new IpcParticipant(tag: "other server");
        int otherSlot = Give(other, _endpoint, IpcRights.Receive);
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        _client.Cancel(IpcStatus.TimedOut);

        Endpoint.Receive(other, otherSlot);
        AssertOk(Endpoint.Call(_client, _clientSlot, Msg(2)), mustBlock: true, woken: other);
        AssertFails(Endpoint.Reply(_server, Msg(666)), IpcStatus.DeadPeer);
        Assert.That(_client.State, Is.EqualTo(IpcState.BlockedCall), "the stale capability did not answer the new call");
        AssertOk(Endpoint.Reply(other, Msg(3)), mustBlock: false, woken: _client);
        Assert.That(_client.Message.Label, Is.EqualTo(3));
    }

    [Test]
    public void DroppingAKilledServersReplyWakesItsCallerWithDeadPeer()
    {
        Endpoint.Receive(_server, _serverSlot);
        Endpoint.Call(_client, _clientSlot, Msg(1));
        Assert.That(_server.DropReply(), Is.SameAs(_client));
        Assert.That((_client.State, _client.WakeStatus), Is.EqualTo((IpcState.Idle, IpcStatus.DeadPeer)));
        Assert.That(_server.DropReply(), Is.Null);
        AssertFails(Endpoint.Reply(_server, Msg(2)), IpcStatus.NoReplyCapability);
    }
}
