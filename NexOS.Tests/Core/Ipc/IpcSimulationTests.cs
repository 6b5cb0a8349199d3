using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

/// <summary>
/// Random operation sequences (fixed seeds) over several participants, endpoints and
/// notifications, the way the kernel would drive them: only idle participants start
/// operations, blocked ones may be cancelled (a timeout). Each result is checked against what
/// the model predicts from the state before the step, and after each step
/// <see cref="IpcWorld.Settle"/> checks deliveries and invariants.
/// </summary>
[TestFixture]
public sealed class IpcSimulationTests
{
    private IpcWorld _world = null!;
    private Random _random = null!;

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(20260101)]
    public void RandomOperationsKeepTheInvariants(int seed)
    {
        _world = new IpcWorld(participants: 8, endpoints: 2, notifications: 2);
        _random = new Random(seed);
        for (int step = 0; step < 20_000; step++)
        {
            IpcParticipant p = _world.Participants[_random.Next(_world.Participants.Length)];
            if (p.State != IpcState.Idle)
            {
                if (_random.Next(100) < 25)
                {
                    Cancel(p);
                }
            }
            else
            {
                RunOne(p, step);
            }

            _world.Settle(step);
        }

        ulong replies = 0;
        foreach (Endpoint endpoint in _world.Endpoints)
        {
            replies += endpoint.Statistics.Replies;
        }

        Assert.That(_world.Accepted, Is.EqualTo(_world.Delivered + _world.Withdrawn + _world.InFlight.Count),
            "every accepted message was delivered once, withdrawn by a cancel, or is still queued");
        Assert.That(_world.Delivered, Is.GreaterThan(1_500), "the simulation exercised delivery");
        Assert.That(_world.Withdrawn, Is.GreaterThan(500), "the simulation exercised cancellation");
        Assert.That(replies, Is.GreaterThan(200), "the simulation exercised replies");
    }

    private void RunOne(IpcParticipant p, int step)
    {
        int e = _random.Next(_world.Endpoints.Length);
        int n = _random.Next(_world.Notifications.Length);
        switch (_random.Next(12))
        {
            case 0:
                Send(p, e, blocking: true, call: false, step);
                break;
            case 1:
                Send(p, e, blocking: false, call: false, step);
                break;
            case 2:
            case 3:
                Send(p, e, blocking: true, call: true, step);
                break;
            case 4:
            case 5:
            case 6:
                Receive(p, e);
                break;
            case 7:
            case 8:
                Reply(p, e, thenReceive: _random.Next(2) == 0);
                break;
            case 9:
                Signal(p, n);
                break;
            default:
                Wait(p, n, poll: _random.Next(3) == 0);
                break;
        }
    }

    private void Send(IpcParticipant p, int e, bool blocking, bool call, int step)
    {
        Endpoint endpoint = _world.Endpoints[e];
        int slot = IpcWorld.EndpointSlot(e);
        if (_random.Next(20) == 0)
        {
            string before = _world.Fingerprint();
            IpcMessage bad = _world.NewMessage(IpcMessage.MaxWords + 1);
            AssertFails(call ? Endpoint.Call(p, slot, bad) : Endpoint.Send(p, slot, bad), IpcStatus.InvalidMessage);
            Assert.That(_world.Fingerprint(), Is.EqualTo(before), $"step {step}: a refused message changed state");
            return;
        }

        IpcMessage message = _world.NewMessage(_random.Next(IpcMessage.MaxWords + 1));
        IpcParticipant? receiver = endpoint.FirstReceiver;
        IpcResult result = call ? Endpoint.Call(p, slot, message)
            : blocking ? Endpoint.Send(p, slot, message) : Endpoint.TrySend(p, slot, message);
        if (receiver == null && !blocking)
        {
            AssertFails(result, IpcStatus.WouldBlock);
            return;
        }

        AssertOk(result, mustBlock: receiver == null || call, woken: receiver);
        _world.Accept(message, p, IpcWorld.BadgeOf(p, e), call, null);
        if (receiver == null)
        {
            _world.Queued[p] = message.Label;
        }
    }

    private void Receive(IpcParticipant p, int e)
    {
        if (_world.Owes.TryGetValue(p, out Owed? owed) && owed.Live)
        {
            AssertFails(Endpoint.Receive(p, IpcWorld.EndpointSlot(e)), IpcStatus.ReplyPending);
            return;
        }

        IpcParticipant? sender = _world.Endpoints[e].FirstSender;
        IpcResult result = Endpoint.Receive(p, IpcWorld.EndpointSlot(e));
        AssertOk(result, mustBlock: sender == null, woken: sender == null || sender.IsCall ? null : sender);
        if (sender != null)
        {
            _world.Queued.Remove(sender);
        }
    }

    private void Reply(IpcParticipant p, int e, bool thenReceive)
    {
        IpcMessage message = _world.NewMessage(_random.Next(IpcMessage.MaxWords + 1));
        if (!_world.Owes.TryGetValue(p, out Owed? owed))
        {
            AssertFails(thenReceive ? Endpoint.ReplyReceive(p, IpcWorld.EndpointSlot(e), message) : Endpoint.Reply(p, message),
                IpcStatus.NoReplyCapability);
            return;
        }

        _world.Owes.Remove(p);
        IpcParticipant? answered = owed.Live ? owed.Caller : null;
        if (answered != null)
        {
            _world.Accept(message, p, 0, false, answered);
        }

        if (!thenReceive)
        {
            IpcResult replied = Endpoint.Reply(p, message);
            if (answered == null)
            {
                AssertFails(replied, IpcStatus.DeadPeer);
                return;
            }

            AssertOk(replied, mustBlock: false, woken: answered);
            return;
        }

        IpcParticipant? sender = _world.Endpoints[e].FirstSender;
        IpcResult result = Endpoint.ReplyReceive(p, IpcWorld.EndpointSlot(e), message);
        AssertOk(result, mustBlock: sender == null, woken: answered);
        Assert.That(result.AlsoWoken, Is.SameAs(sender == null || sender.IsCall ? null : sender));
        if (sender != null)
        {
            _world.Queued.Remove(sender);
        }
    }

    private void Signal(IpcParticipant p, int n)
    {
        ulong bits = 1UL << _random.Next(64);
        IpcParticipant? waiter = _world.Notifications[n].FirstWaiter;
        AssertOk(Notification.Signal(p, _world.NotificationSlot(n), bits), mustBlock: false, woken: waiter);
        if (waiter == null)
        {
            _world.PendingBits[n] |= bits;
            return;
        }

        Assert.That(waiter.ReceivedBits, Is.EqualTo(_world.PendingBits[n] | bits));
        _world.PendingBits[n] = 0;
    }

    private void Wait(IpcParticipant p, int n, bool poll)
    {
        ulong pending = _world.PendingBits[n];
        int slot = _world.NotificationSlot(n);
        IpcResult result = poll ? Notification.Poll(p, slot) : Notification.Wait(p, slot);
        if (pending == 0)
        {
            if (poll)
            {
                AssertFails(result, IpcStatus.WouldBlock);
            }
            else
            {
                AssertOk(result, mustBlock: true);
            }

            return;
        }

        AssertOk(result, mustBlock: false);
        Assert.That(p.ReceivedBits, Is.EqualTo(pending));
        _world.PendingBits[n] = 0;
    }

    private void Cancel(IpcParticipant p)
    {
        if (p.State == IpcState.BlockedSending)
        {
            _world.Withdraw(p);
        }
        else if (p.State == IpcState.BlockedCall)
        {
            foreach (Owed owed in _world.Owes.Values)
            {
                if (owed.Caller == p && owed.Live)
                {
                    owed.Live = false;
                }
            }
        }

        Assert.That(p.Cancel(IpcStatus.TimedOut), Is.True);
        Assert.That((p.State, p.WakeStatus), Is.EqualTo((IpcState.Idle, IpcStatus.TimedOut)));
    }
}
