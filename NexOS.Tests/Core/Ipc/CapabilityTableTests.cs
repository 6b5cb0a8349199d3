using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

[TestFixture]
public sealed class CapabilityTableTests
{
    [Test]
    public void InsertFillsTheLowestFreeSlotAboveTheReplySlot()
    {
        var table = new CapabilityTable(8);
        var endpoint = new Endpoint();
        Assert.That(table.Insert(endpoint, IpcRights.Send, 7, out int first), Is.EqualTo(IpcStatus.Ok));
        Assert.That(table.Insert(new Notification(), IpcRights.Signal, 0, out int second), Is.EqualTo(IpcStatus.Ok));
        Assert.That((first, second), Is.EqualTo((1, 2)));
        Assert.That(table.Delete(first), Is.EqualTo(IpcStatus.Ok));
        Assert.That(table.Insert(endpoint, IpcRights.Receive, 0, out int reused), Is.EqualTo(IpcStatus.Ok));
        Assert.That(reused, Is.EqualTo(1));
        Assert.That(table.Count, Is.EqualTo(2));
    }

    [Test]
    public void LookupReturnsObjectAndBadge()
    {
        var table = new CapabilityTable();
        var endpoint = new Endpoint();
        table.Insert(endpoint, SendReceive, 42, out int slot);
        Assert.That(table.Lookup(slot, IpcRights.Send, out Endpoint? found, out ulong badge), Is.EqualTo(IpcStatus.Ok));
        Assert.That(found, Is.SameAs(endpoint));
        Assert.That(badge, Is.EqualTo(42));
    }

    [TestCase(-1)]
    [TestCase(16)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void SlotsOutsideTheTableAreInvalid(int slot)
    {
        var table = new CapabilityTable(16);
        Assert.That(table.Lookup(slot, IpcRights.None, out Endpoint? found, out ulong badge), Is.EqualTo(IpcStatus.InvalidSlot));
        Assert.That((found, badge), Is.EqualTo(((Endpoint?)null, 0UL)));
        Assert.That(table.Delete(slot), Is.EqualTo(IpcStatus.InvalidSlot));
        Assert.That(table.Derive(slot, IpcRights.None, 0, out int copy), Is.EqualTo(IpcStatus.InvalidSlot));
        Assert.That(copy, Is.EqualTo(-1));
        Assert.That(table.RightsAt(slot), Is.EqualTo(IpcRights.None));
    }

    [Test]
    public void AnEmptySlotIsReportedAsEmpty()
    {
        var table = new CapabilityTable();
        Assert.That(table.Lookup(5, IpcRights.None, out Endpoint? _, out _), Is.EqualTo(IpcStatus.EmptySlot));
        Assert.That(table.Delete(5), Is.EqualTo(IpcStatus.EmptySlot));
        Assert.That(table.Derive(5, IpcRights.None, 0, out _), Is.EqualTo(IpcStatus.EmptySlot));
    }

    [Test]
    public void LookingUpTheWrongKindOfObjectFails()
    {
        var table = new CapabilityTable();
        table.Insert(new Notification(), IpcRights.All, 0, out int slot);
        Assert.That(table.Lookup(slot, IpcRights.None, out Endpoint? found, out _), Is.EqualTo(IpcStatus.WrongObjectType));
        Assert.That(found, Is.Null);
        Assert.That(table.Lookup(slot, IpcRights.None, out Notification? _, out _), Is.EqualTo(IpcStatus.Ok));
    }

    [Test]
    public void WrongTypeIsReportedBeforeMissingRights()
    {
        var table = new CapabilityTable();
        table.Insert(new Notification(), IpcRights.None, 0, out int slot);
        Assert.That(table.Lookup(slot, IpcRights.Send, out Endpoint? _, out _), Is.EqualTo(IpcStatus.WrongObjectType));
        Assert.That(table.Lookup(slot, IpcRights.Wait, out Notification? _, out _), Is.EqualTo(IpcStatus.InsufficientRights));
    }

    [Test]
    public void DerivedRightsCanOnlyShrink()
    {
        var table = new CapabilityTable();
        table.Insert(new Endpoint(), IpcRights.Send | IpcRights.Grant, 0, out int source);

        Assert.That(table.Derive(source, IpcRights.Send, 0, out int reduced), Is.EqualTo(IpcStatus.Ok));
        Assert.That(table.RightsAt(reduced), Is.EqualTo(IpcRights.Send));
        Assert.That(table.Derive(source, IpcRights.Send | IpcRights.Receive, 0, out int widened), Is.EqualTo(IpcStatus.InsufficientRights));
        Assert.That(widened, Is.EqualTo(-1));
        Assert.That(table.Derive(reduced, IpcRights.Send | IpcRights.Grant, 0, out _), Is.EqualTo(IpcStatus.InsufficientRights),
            "a copy of a copy cannot win back what the copy lost");
        Assert.That(table.Lookup(reduced, IpcRights.Grant, out Endpoint? _, out _), Is.EqualTo(IpcStatus.InsufficientRights));
        Assert.That(table.Count, Is.EqualTo(2), "refused derivations add nothing");
    }

    [Test]
    public void AnUnbadgedCapabilityCanBeBadgedOnceAndTheBadgeSticks()
    {
        var table = new CapabilityTable();
        table.Insert(new Endpoint(), IpcRights.Send, 0, out int original);
        Assert.That(table.Derive(original, IpcRights.Send, 99, out int badged), Is.EqualTo(IpcStatus.Ok));
        Assert.That(table.Derive(badged, IpcRights.Send, 99, out int same), Is.EqualTo(IpcStatus.Ok));
        Assert.That(table.Derive(badged, IpcRights.Send, 100, out _), Is.EqualTo(IpcStatus.InsufficientRights));
        Assert.That(table.Derive(badged, IpcRights.Send, 0, out _), Is.EqualTo(IpcStatus.InsufficientRights));
        table.Lookup(same, IpcRights.Send, out Endpoint? _, out ulong badge);
        Assert.That(badge, Is.EqualTo(99));
    }

    [Test]
    public void DeleteEmptiesTheSlotOnce()
    {
        var table = new CapabilityTable();
        table.Insert(new Endpoint(), IpcRights.Send, 3, out int slot);
        Assert.That(table.Delete(slot), Is.EqualTo(IpcStatus.Ok));
        Assert.That(table.Delete(slot), Is.EqualTo(IpcStatus.EmptySlot));
        Assert.That(table.Lookup(slot, IpcRights.None, out Endpoint? _, out _), Is.EqualTo(IpcStatus.EmptySlot));
        Assert.That(table.Count, Is.Zero);
    }

    [Test]
    public void TheReplySlotIsNotTheCallersToUse()
    {
        var table = new CapabilityTable();
        Assert.That(table.Delete(CapabilityTable.ReplySlot), Is.EqualTo(IpcStatus.InvalidSlot));
        Assert.That(table.Insert(new IpcParticipant().OwnReply, IpcRights.Send, 0, out _), Is.EqualTo(IpcStatus.WrongObjectType));
        Assert.That(table.Insert(null, IpcRights.Send, 0, out _), Is.EqualTo(IpcStatus.WrongObjectType));
        Assert.That(table.Count, Is.Zero);
    }

    [Test]
    public void UnknownRightsBitsAreRefused()
    {
        var table = new CapabilityTable();
        Assert.That(table.Insert(new Endpoint(), (IpcRights)64, 0, out int slot), Is.EqualTo(IpcStatus.InsufficientRights));
        Assert.That(slot, Is.EqualTo(-1));
    }

    [Test]
    public void AFullTableRefusesMoreCapabilities()
    {
        var table = new CapabilityTable(CapabilityTable.MinSize + 1);
        var endpoint = new Endpoint();
        Assert.That(table.Insert(endpoint, IpcRights.Send, 0, out int a), Is.EqualTo(IpcStatus.Ok));
        Assert.That(table.Insert(endpoint, IpcRights.Send, 0, out _), Is.EqualTo(IpcStatus.Ok));
        Assert.That(table.Insert(endpoint, IpcRights.Send, 0, out int none), Is.EqualTo(IpcStatus.TableFull));
        Assert.That(table.Derive(a, IpcRights.Send, 0, out _), Is.EqualTo(IpcStatus.TableFull));
        Assert.That(none, Is.EqualTo(-1));
    }

    [TestCase(CapabilityTable.MinSize - 1)]
    [TestCase(CapabilityTable.MaxSize + 1)]
    public void TableSizeIsBounded(int size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CapabilityTable(size));
    }

    [Test]
    public void OperationsReportCapabilityErrorsAndChangeNothing()
    {
        var endpoint = new Endpoint();
        var p = new IpcParticipant();
        int sendOnly = Give(p, endpoint, IpcRights.Send);
        int notification = Give(p, new Notification(), IpcRights.All);

        AssertFails(Endpoint.Receive(p, sendOnly), IpcStatus.InsufficientRights);
        AssertFails(Endpoint.Send(p, notification, Msg(1)), IpcStatus.WrongObjectType);
        AssertFails(Endpoint.Call(p, 40, Msg(1)), IpcStatus.EmptySlot);
        AssertFails(Endpoint.Send(p, 64, Msg(1)), IpcStatus.InvalidSlot);
        AssertFails(Notification.Wait(p, sendOnly), IpcStatus.WrongObjectType);
        AssertFails(Endpoint.Send(p, CapabilityTable.ReplySlot, Msg(1)), IpcStatus.EmptySlot);
        Assert.That(p.State, Is.EqualTo(IpcState.Idle));
        Assert.That(endpoint.SendersWaiting + endpoint.ReceiversWaiting, Is.Zero);
        Assert.That(endpoint.Statistics.Calls + endpoint.Statistics.BlockedSends, Is.Zero);
    }

    [Test]
    public void StatusNamesAreSpelledOut()
    {
        for (IpcStatus s = IpcStatus.Ok; s <= IpcStatus.TableFull; s++)
        {
            Assert.That(s.Describe(), Is.Not.EqualTo("unknown"));
        }

        Assert.That(((IpcStatus)99).Describe(), Is.EqualTo("unknown"));
    }
}
