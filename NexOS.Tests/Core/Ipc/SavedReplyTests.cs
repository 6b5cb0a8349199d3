using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

/// <summary>A server keeps a call for later (seL4's SaveCaller), serves others meanwhile, and
/// answers it through the saved capability, which stays one-shot and goes stale with its caller.</summary>
[TestFixture]
public sealed class SavedReplyTests
{
    private Endpoint _endpoint = null!;
    private IpcParticipant _server = null!;
    private int _receive;

    [SetUp]
    public void SetUp()
    {
        _endpoint = new Endpoint();
        _server = new IpcParticipant();
        _receive = Give(_server, _endpoint, IpcRights.Receive);
    }

    private IpcParticipant CallIn(ulong label)
    {
        var client = new IpcParticipant();
        AssertOk(Endpoint.Call(client, Give(client, _endpoint, IpcRights.Send), Msg(label)), mustBlock: true);
        return client;
    }

    [Test]
    public void ASavedCallIsAnsweredAfterOthers()
    {
        IpcParticipant slow = CallIn(1);
        IpcParticipant quick = CallIn(2);
        AssertOk(Endpoint.Receive(_server, _receive), mustBlock: false);
        Assert.That(Endpoint.SaveReply(_server, out int saved), Is.EqualTo(IpcStatus.Ok));
        Assert.That(saved, Is.GreaterThan(CapabilityTable.ReplySlot));

        AssertOk(Endpoint.Receive(_server, _receive), mustBlock: false);
        Assert.That(_server.Message.Label, Is.EqualTo(2UL));
        AssertOk(Endpoint.Reply(_server, Msg(20)), mustBlock: false, woken: quick);
        Assert.That(slow.State, Is.EqualTo(IpcState.BlockedCall), "the saved caller still waits");

        AssertOk(Endpoint.ReplySaved(_server, saved, Msg(10, 7)), mustBlock: false, woken: slow);
        Assert.That((slow.State, slow.Message.Label, slow.Message.W0), Is.EqualTo((IpcState.Idle, 10UL, 7UL)));
        Assert.That(_server.Capabilities.Lookup(saved, IpcRights.None, out IpcObject? _, out _), Is.EqualTo(IpcStatus.EmptySlot), "one-shot");
        AssertFails(Endpoint.ReplySaved(_server, saved, Msg(11)), IpcStatus.EmptySlot);
    }

    [Test]
    public void SavingWithoutACallOrTwiceIsRefused()
    {
        Assert.That(Endpoint.SaveReply(_server, out int slot), Is.EqualTo(IpcStatus.NoReplyCapability));
        Assert.That(slot, Is.EqualTo(-1));
        CallIn(1);
        AssertOk(Endpoint.Receive(_server, _receive), mustBlock: false);
        Assert.That(Endpoint.SaveReply(_server, out _), Is.EqualTo(IpcStatus.Ok));
        Assert.That(Endpoint.SaveReply(_server, out _), Is.EqualTo(IpcStatus.NoReplyCapability));
    }

    [Test]
    public void ACallerThatGaveUpMakesTheSavedReplyDeadAndAFreshCallIsNotAnsweredByIt()
    {
        IpcParticipant client = CallIn(1);
        AssertOk(Endpoint.Receive(_server, _receive), mustBlock: false);
        Assert.That(Endpoint.SaveReply(_server, out int saved), Is.EqualTo(IpcStatus.Ok));
        Assert.That(client.Cancel(IpcStatus.TimedOut), Is.True);

        // The same client calls again and the server keeps that call in the reserved slot.
        AssertOk(Endpoint.Call(client, Give(client, _endpoint, IpcRights.Send), Msg(2)), mustBlock: true);
        AssertOk(Endpoint.Receive(_server, _receive), mustBlock: false);
        AssertFails(Endpoint.ReplySaved(_server, saved, Msg(99)), IpcStatus.DeadPeer);
        Assert.That(client.State, Is.EqualTo(IpcState.BlockedCall), "the stale capability did not answer the new call");
        AssertOk(Endpoint.Reply(_server, Msg(3)), mustBlock: false, woken: client);
    }

    [Test]
    public void ClosingASavedReplyFailsItsCaller()
    {
        IpcParticipant client = CallIn(1);
        AssertOk(Endpoint.Receive(_server, _receive), mustBlock: false);
        Assert.That(Endpoint.SaveReply(_server, out int saved), Is.EqualTo(IpcStatus.Ok));
        Assert.That(Endpoint.Close(_server.Capabilities, saved, out IpcParticipant? cancelled), Is.EqualTo(IpcStatus.Ok));
        Assert.That(cancelled, Is.SameAs(client));
        Assert.That((client.State, client.WakeStatus), Is.EqualTo((IpcState.Idle, IpcStatus.DeadPeer)));
        Assert.That(Endpoint.Close(_server.Capabilities, saved, out cancelled), Is.EqualTo(IpcStatus.EmptySlot));
        Assert.That(cancelled, Is.Null);
    }

    [Test]
    public void TheSavedGrantStaysReachableWhileItsCallerWaits()
    {
        var client = new IpcParticipant();
        var call = new IpcMessage { Label = 1, GrantAddress = 0x1000, GrantLength = 64, GrantRights = IpcGrantRights.Write };
        AssertOk(Endpoint.Call(client, Give(client, _endpoint, IpcRights.Send | IpcRights.Grant), call), mustBlock: true);
        AssertOk(Endpoint.Receive(_server, _receive), mustBlock: false);
        Assert.That(Endpoint.SaveReply(_server, out int saved), Is.EqualTo(IpcStatus.Ok));
        ReplyObject? reply = Endpoint.SavedReply(_server.Capabilities, saved);
        Assert.That((reply?.GrantAddress, reply?.GrantLength), Is.EqualTo(((ulong?)0x1000, (uint?)64)));
        Assert.That(Endpoint.SavedReply(_server.Capabilities, CapabilityTable.ReplySlot), Is.Null);
        client.Cancel(IpcStatus.TimedOut);
        Assert.That(Endpoint.SavedReply(_server.Capabilities, saved), Is.Null, "stale");
    }

    [Test]
    public void ReplySavedNeedsAReplyCapabilityInThatSlot()
    {
        int endpointSlot = Give(_server, new Endpoint(), IpcRights.All);
        AssertFails(Endpoint.ReplySaved(_server, endpointSlot, Msg(1)), IpcStatus.WrongObjectType);
        AssertFails(Endpoint.ReplySaved(_server, CapabilityTable.ReplySlot, Msg(1)), IpcStatus.InvalidSlot);
        AssertFails(Endpoint.ReplySaved(_server, 9999, Msg(1)), IpcStatus.InvalidSlot);
    }

    [Test]
    public void ASavedReplyCannotBeCopied()
    {
        CallIn(1);
        AssertOk(Endpoint.Receive(_server, _receive), mustBlock: false);
        Assert.That(Endpoint.SaveReply(_server, out int saved), Is.EqualTo(IpcStatus.Ok));
        Assert.That(_server.Capabilities.Derive(saved, IpcRights.Send, 0, out _), Is.EqualTo(IpcStatus.WrongObjectType));
    }
}
