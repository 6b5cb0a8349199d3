using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

/// <summary>
/// The threads of one process hold one capability table (CapabilityTable.Share): what one
/// inserts, copies or closes the others see at once, while each thread keeps its own reply
/// slot, so two threads serving calls at the same time each answer their own caller.
/// </summary>
[TestFixture]
public sealed class SharedCapabilityTableTests
{
    private const int Reply = CapabilityTable.ReplySlot;

    [Test]
    public void SlotsFromOneUpAreCommonToEverySharer()
    {
        var main = new CapabilityTable(8);
        CapabilityTable second = main.Share();
        var endpoint = new Endpoint();
        Assert.That(main.Insert(endpoint, IpcRights.Send, 3, out int slot), Is.EqualTo(IpcStatus.Ok));
        Assert.That(second.Lookup(slot, IpcRights.Send, out Endpoint? seen, out ulong badge), Is.EqualTo(IpcStatus.Ok));
        Assert.That((seen, badge), Is.EqualTo((endpoint, 3UL)));

        Assert.That(second.Derive(slot, IpcRights.Send, 3, out int copy), Is.EqualTo(IpcStatus.Ok));
        Assert.That(copy, Is.EqualTo(slot + 1));
        Assert.That(main.RightsAt(copy), Is.EqualTo(IpcRights.Send), "a copy made through one sharer is in the other");

        Assert.That(second.Delete(slot), Is.EqualTo(IpcStatus.Ok));
        Assert.That(main.Lookup(slot, IpcRights.None, out Endpoint? _, out _), Is.EqualTo(IpcStatus.EmptySlot));
        Assert.That((main.Count, second.Count, main.Sharers, second.Sharers), Is.EqualTo((1, 1, 2, 2)));
    }

    [Test]
    public void AFullSharedTableIsFullForEverySharer()
    {
        var main = new CapabilityTable(4);
        CapabilityTable second = main.Share();
        for (int i = 0; i < 3; i++)
        {
            Assert.That((i % 2 == 0 ? main : second).Insert(new Notification(), IpcRights.Signal, 0, out _), Is.EqualTo(IpcStatus.Ok));
        }

        Assert.That(main.Insert(new Notification(), IpcRights.Signal, 0, out int none), Is.EqualTo(IpcStatus.TableFull));
        Assert.That(second.Insert(new Notification(), IpcRights.Signal, 0, out _), Is.EqualTo(IpcStatus.TableFull));
        Assert.That(none, Is.EqualTo(-1));
    }

    [Test]
    public void EachSharerServesItsOwnCallWithItsOwnReplySlot()
    {
        var endpoint = new Endpoint();
        var serverA = new IpcParticipant(new CapabilityTable(8), "server A");
        var serverB = new IpcParticipant(serverA.Capabilities.Share(), "server B");
        int receive = Give(serverA, endpoint, IpcRights.Receive);
        var clientA = new IpcParticipant(tag: "client A");
        var clientB = new IpcParticipant(tag: "client B");
        int sendA = Give(clientA, endpoint, IpcRights.Send);
        int sendB = Give(clientB, endpoint, IpcRights.Send);

        AssertOk(Endpoint.Receive(serverA, receive), mustBlock: true);
        AssertOk(Endpoint.Receive(serverB, receive), mustBlock: true);
        AssertOk(Endpoint.Call(clientA, sendA, Msg(1)), mustBlock: true, woken: serverA);
        AssertOk(Endpoint.Call(clientB, sendB, Msg(2)), mustBlock: true, woken: serverB);
        Assert.That(serverA.Capabilities.Lookup(Reply, IpcRights.None, out ReplyObject? replyA, out _), Is.EqualTo(IpcStatus.Ok));
        Assert.That(serverB.Capabilities.Lookup(Reply, IpcRights.None, out ReplyObject? replyB, out _), Is.EqualTo(IpcStatus.Ok));
        Assert.That((replyA!.Caller, replyB!.Caller), Is.EqualTo((clientA, clientB)));

        AssertOk(Endpoint.Reply(serverB, Msg(20)), mustBlock: false, woken: clientB);
        AssertOk(Endpoint.Reply(serverA, Msg(10)), mustBlock: false, woken: clientA);
        Assert.That((clientA.Message.Label, clientB.Message.Label), Is.EqualTo((10UL, 20UL)));
    }

    [Test]
    public void ClearEmptiesTheCommonSlotsForEverySharer()
    {
        var main = new CapabilityTable(8);
        CapabilityTable second = main.Share();
        main.Insert(new Endpoint(), IpcRights.Send, 0, out _);
        second.Insert(new Notification(), IpcRights.Wait, 0, out int slot);
        Assert.That(second.Clear(), Is.EqualTo(2));
        Assert.That((main.Count, second.Count), Is.EqualTo((0, 0)));
        Assert.That(main.Lookup(slot, IpcRights.None, out Notification? _, out _), Is.EqualTo(IpcStatus.EmptySlot));
        Assert.That(main.Insert(new Endpoint(), IpcRights.Send, 0, out int reused), Is.EqualTo(IpcStatus.Ok));
        Assert.That(reused, Is.EqualTo(1));
    }
}
