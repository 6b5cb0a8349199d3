using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

[TestFixture]
public sealed class NotificationTests
{
    private Notification _notification = null!;
    private IpcParticipant _signaller = null!;
    private IpcParticipant _waiter = null!;
    private int _signalSlot;
    private int _waitSlot;

    [SetUp]
    public void SetUp()
    {
        _notification = new Notification();
        _signaller = new IpcParticipant();
        _waiter = new IpcParticipant();
        _signalSlot = Give(_signaller, _notification, IpcRights.Signal);
        _waitSlot = Give(_waiter, _notification, IpcRights.Wait);
    }

    [Test]
    public void BitsAccumulateAndAWaitTakesAndClearsThem()
    {
        AssertOk(Notification.Signal(_signaller, _signalSlot, 0b0001), mustBlock: false);
        AssertOk(Notification.Signal(_signaller, _signalSlot, 0b0100), mustBlock: false);
        AssertOk(Notification.Signal(_signaller, _signalSlot, 0b0001), mustBlock: false);
        Assert.That(_notification.Pending, Is.EqualTo(0b0101));

        AssertOk(Notification.Wait(_waiter, _waitSlot), mustBlock: false);
        Assert.That(_waiter.ReceivedBits, Is.EqualTo(0b0101));
        Assert.That(_notification.Pending, Is.Zero);
        Assert.That(_waiter.State, Is.EqualTo(IpcState.Idle));
    }

    [Test]
    public void AWaitWithNothingPendingBlocksUntilASignal()
    {
        AssertOk(Notification.Wait(_waiter, _waitSlot), mustBlock: true);
        Assert.That((_waiter.State, _waiter.BlockedOn), Is.EqualTo((IpcState.BlockedNotification, (IpcObject)_notification)));

        AssertOk(Notification.Signal(_signaller, _signalSlot, 0x80), mustBlock: false, woken: _waiter);
        Assert.That((_waiter.State, _waiter.WakeStatus, _waiter.ReceivedBits), Is.EqualTo((IpcState.Idle, IpcStatus.Ok, 0x80UL)));
        Assert.That(_notification.Pending, Is.Zero, "the woken waiter took the bits");
    }

    [Test]
    public void EachSignalWakesOneWaiterInArrivalOrder()
    {
        var waiters = new IpcParticipant[3];
        for (int i = 0; i < waiters.Length; i++)
        {
            waiters[i] = new IpcParticipant();
            AssertOk(Notification.Wait(waiters[i], Give(waiters[i], _notification, IpcRights.Wait)), mustBlock: true);
        }

        Assert.That(Walk(_notification.FirstWaiter), Is.EqualTo(waiters));
        for (int i = 0; i < waiters.Length; i++)
        {
            ulong bits = 1UL << i;
            AssertOk(Notification.Signal(_signaller, _signalSlot, bits), mustBlock: false, woken: waiters[i]);
            Assert.That(waiters[i].ReceivedBits, Is.EqualTo(bits));
            Assert.That(_notification.Waiting, Is.EqualTo(waiters.Length - i - 1));
        }
    }

    [Test]
    public void TheCapabilityBadgeIsOredIn()
    {
        int badged = Give(_signaller, _notification, IpcRights.Signal, badge: 0x100);
        Notification.Signal(_signaller, badged, 0x1);
        Notification.Signal(_signaller, badged, 0);
        Assert.That(_notification.Pending, Is.EqualTo(0x101));
    }

    [Test]
    public void PollNeverBlocks()
    {
        AssertFails(Notification.Poll(_waiter, _waitSlot), IpcStatus.WouldBlock);
        Assert.That((_waiter.State, _waiter.ReceivedBits, _notification.Waiting), Is.EqualTo((IpcState.Idle, 0UL, 0)));

        Notification.Signal(_signaller, _signalSlot, 6);
        AssertOk(Notification.Poll(_waiter, _waitSlot), mustBlock: false);
        Assert.That((_waiter.ReceivedBits, _notification.Pending), Is.EqualTo((6UL, 0UL)));
    }

    [Test]
    public void RightsAreChecked()
    {
        AssertFails(Notification.Wait(_signaller, _signalSlot), IpcStatus.InsufficientRights);
        AssertFails(Notification.Poll(_signaller, _signalSlot), IpcStatus.InsufficientRights);
        AssertFails(Notification.Signal(_waiter, _waitSlot, 1), IpcStatus.InsufficientRights);
        int endpoint = Give(_waiter, new Endpoint(), IpcRights.All);
        AssertFails(Notification.Signal(_waiter, endpoint, 1), IpcStatus.WrongObjectType);
        Assert.That(_notification.Pending, Is.Zero);
    }

    [Test]
    public void TheKernelCanRaiseBitsWithoutACapability()
    {
        Notification.Wait(_waiter, _waitSlot);
        AssertOk(_notification.Raise(0), mustBlock: false);
        Assert.That(_waiter.State, Is.EqualTo(IpcState.BlockedNotification), "zero bits wake nobody");
        AssertOk(_notification.Raise(1UL << 63), mustBlock: false, woken: _waiter);
        Assert.That(_waiter.ReceivedBits, Is.EqualTo(1UL << 63));
        Assert.That((_notification.Statistics.Messages, _notification.Statistics.BlockedReceives), Is.EqualTo((1UL, 1UL)));
    }

    [Test]
    public void ABlockedWaiterCannotSignal()
    {
        int signal = Give(_waiter, _notification, IpcRights.Signal);
        Notification.Wait(_waiter, _waitSlot);
        AssertFails(Notification.Signal(_waiter, signal, 1), IpcStatus.NotIdle);
        Assert.That(_waiter.State, Is.EqualTo(IpcState.BlockedNotification));
    }
}
