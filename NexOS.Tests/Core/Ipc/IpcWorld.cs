using System.Text;
using NexOS.Core.Ipc;

namespace NexOS.Tests.Core.Ipc;

/// <summary>
/// A reference model for the randomized IPC simulation: the participants and objects under
/// test plus what the model expects of them (messages in flight, replies owed, notification
/// bits). <see cref="Settle"/> matches every delivery against the model and then checks the
/// structural invariants.
/// </summary>
internal sealed class IpcWorld
{
    private ulong _nextLabel = 1;

    public IpcWorld(int participants, int endpoints, int notifications)
    {
        Participants = new IpcParticipant[participants];
        Endpoints = Array.ConvertAll(new int[endpoints], _ => new Endpoint());
        Notifications = Array.ConvertAll(new int[notifications], _ => new Notification());
        PendingBits = new ulong[notifications];
        for (int i = 0; i < participants; i++)
        {
            var p = new IpcParticipant(tag: i);
            Participants[i] = p;
            LastLabel[p] = 0;
            for (int e = 0; e < endpoints; e++)
            {
                IpcKit.Give(p, Endpoints[e], IpcRights.Send | IpcRights.Receive | IpcRights.Grant, BadgeOf(p, e));
            }

            foreach (Notification notification in Notifications)
            {
                IpcKit.Give(p, notification, IpcRights.Signal | IpcRights.Wait);
            }
        }
    }

    public IpcParticipant[] Participants { get; }

    public Endpoint[] Endpoints { get; }

    public Notification[] Notifications { get; }

    /// <summary>Bits the model expects each notification to hold.</summary>
    public ulong[] PendingBits { get; }

    /// <summary>Messages accepted and not yet delivered or withdrawn, by label.</summary>
    public Dictionary<ulong, Letter> InFlight { get; } = new();

    /// <summary>The label of each queued sender's message.</summary>
    public Dictionary<IpcParticipant, ulong> Queued { get; } = new();

    /// <summary>The call each server must answer, and whether its caller still waits.</summary>
    public Dictionary<IpcParticipant, Owed> Owes { get; } = new();

    public Dictionary<IpcParticipant, ulong> LastLabel { get; } = new();

    public int Accepted { get; private set; }

    public int Delivered { get; private set; }

    public int Withdrawn { get; private set; }

    /// <summary>Capability slot of endpoint <paramref name="e"/> in every table.</summary>
    public static int EndpointSlot(int e) => 1 + e;

    /// <summary>Capability slot of notification <paramref name="n"/> in every table.</summary>
    public int NotificationSlot(int n) => 1 + Endpoints.Length + n;

    /// <summary>The badge of <paramref name="p"/>'s capability to endpoint <paramref name="e"/>.</summary>
    public static ulong BadgeOf(IpcParticipant p, int e) => (ulong)((int)p.Tag! * 16 + e + 1);

    /// <summary>A fresh message with a unique label and checkable words.</summary>
    public IpcMessage NewMessage(int wordCount)
    {
        ulong label = _nextLabel++;
        return new IpcMessage { Label = label, WordCount = wordCount, W0 = label + 1, W1 = label + 2, W2 = label + 3, W3 = label + 4 };
    }

    public void Accept(in IpcMessage message, IpcParticipant from, ulong badge, bool isCall, IpcParticipant? replyTo)
    {
        InFlight.Add(message.Label, new Letter(from, badge, isCall, replyTo, message.WordCount));
        Accepted++;
    }

    /// <summary>A queued sender was cancelled: its message must never arrive.</summary>
    public void Withdraw(IpcParticipant sender)
    {
        Assert.That(InFlight.Remove(Queued[sender]), Is.True);
        Queued.Remove(sender);
        Withdrawn++;
    }

    /// <summary>Matches new deliveries against the model, then checks the invariants.</summary>
    public void Settle(int step)
    {
        foreach (IpcParticipant p in Participants)
        {
            ulong label = p.Message.Label;
            if (label != LastLabel[p])
            {
                Receive(p, label, step);
                LastLabel[p] = label;
            }
        }

        CheckInvariants(step);
    }

    /// <summary>Everything a refused operation must leave alone.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        foreach (IpcParticipant p in Participants)
        {
            text.Append($"{p.Tag}:{p} {p.Message.Label} {p.Badge} {p.ReceivedBits} {p.Capabilities.Count};");
        }

        foreach (Endpoint e in Endpoints)
        {
            text.Append($"[{Names(e.FirstSender)}|{Names(e.FirstReceiver)}|{e.Statistics.Messages},{e.Statistics.Calls}]");
        }

        foreach (Notification n in Notifications)
        {
            text.Append($"[{n.Pending}|{Names(n.FirstWaiter)}]");
        }

        return text.ToString();
    }

    private static string Names(IpcParticipant? head)
    {
        var text = new StringBuilder();
        foreach (IpcParticipant p in IpcKit.Walk(head))
        {
            text.Append(p.Tag).Append(',');
        }

        return text.ToString();
    }

    private void Receive(IpcParticipant p, ulong label, int step)
    {
        Assert.That(InFlight.Remove(label, out Letter letter), Is.True, $"step {step}: message {label} was never sent or arrived twice");
        Delivered++;
        for (int i = 0; i < IpcMessage.MaxWords; i++)
        {
            Assert.That(p.Message.GetWord(i), Is.EqualTo(i < letter.WordCount ? label + (ulong)i + 1 : 0), $"step {step}: word {i}");
        }

        if (letter.ReplyTo != null)
        {
            Assert.That((p, p.Badge), Is.EqualTo((letter.ReplyTo, 0UL)), $"step {step}: reply {label} reached its caller");
            return;
        }

        Assert.That(p, Is.Not.SameAs(letter.From), $"step {step}: nobody receives its own message");
        Assert.That(p.Badge, Is.EqualTo(letter.Badge), $"step {step}: badge of {label}");
        Assert.That(Owes.TryGetValue(p, out Owed? owed) && owed.Live, Is.False, $"step {step}: a server that owes a reply took a message");
        if (letter.IsCall)
        {
            Owes[p] = new Owed(letter.From);
        }
    }

    private void CheckInvariants(int step)
    {
        var where = new Dictionary<IpcParticipant, (IpcState State, IpcObject On)>();
        foreach (Endpoint e in Endpoints)
        {
            Collect(where, e.FirstSender, e.SendersWaiting, IpcState.BlockedSending, e, step);
            Collect(where, e.FirstReceiver, e.ReceiversWaiting, IpcState.BlockedReceiving, e, step);
        }

        for (int n = 0; n < Notifications.Length; n++)
        {
            Notification notification = Notifications[n];
            Collect(where, notification.FirstWaiter, notification.Waiting, IpcState.BlockedNotification, notification, step);
            Assert.That(notification.Pending, Is.EqualTo(PendingBits[n]), $"step {step}: bits of notification {n}");
            Assert.That(notification.Pending == 0 || notification.Waiting == 0, Is.True, $"step {step}: bits pending while someone waits");
        }

        var liveHolders = new Dictionary<IpcParticipant, int>();
        foreach (IpcParticipant p in Participants)
        {
            string who = $"step {step}: participant {p.Tag}";
            if (where.TryGetValue(p, out var queued))
            {
                Assert.That((p.State, p.BlockedOn), Is.EqualTo((queued.State, (IpcObject?)queued.On)), who);
            }
            else
            {
                Assert.That(p.State, Is.AnyOf(IpcState.Idle, IpcState.BlockedCall), who);
                Assert.That((p.BlockedOn, p.Next), Is.EqualTo(((IpcObject?)null, (IpcParticipant?)null)), who);
            }

            Assert.That(p.OwnReply.IsArmed, Is.EqualTo(p.State == IpcState.BlockedCall), who);
            Assert.That(Queued.ContainsKey(p), Is.EqualTo(p.State == IpcState.BlockedSending), who);
            CheckReplySlot(p, liveHolders, who);
        }

        foreach (IpcParticipant p in Participants)
        {
            int holders = liveHolders.TryGetValue(p, out int count) ? count : 0;
            Assert.That(holders, Is.EqualTo(p.State == IpcState.BlockedCall ? 1 : 0), $"step {step}: live reply capabilities for {p.Tag}");
        }

        Assert.That(InFlight.Count, Is.EqualTo(Queued.Count), $"step {step}: every undelivered message belongs to a queued sender");
    }

    private static void Collect(Dictionary<IpcParticipant, (IpcState, IpcObject)> where, IpcParticipant? head, int count,
        IpcState state, IpcObject on, int step)
    {
        List<IpcParticipant> queue = IpcKit.Walk(head);
        Assert.That(queue, Has.Count.EqualTo(count), $"step {step}: queue length");
        foreach (IpcParticipant p in queue)
        {
            Assert.That(where.TryAdd(p, (state, on)), Is.True, $"step {step}: participant {p.Tag} is on two queues");
        }
    }

    private void CheckReplySlot(IpcParticipant p, Dictionary<IpcParticipant, int> liveHolders, string who)
    {
        IpcStatus status = p.Capabilities.Lookup(CapabilityTable.ReplySlot, IpcRights.None, out ReplyObject? reply, out ulong generation);
        if (status == IpcStatus.EmptySlot)
        {
            Assert.That(Owes.ContainsKey(p), Is.False, who);
            return;
        }

        bool live = reply!.IsArmed && generation == reply.Generation;
        Assert.That(Owes[p].Caller, Is.SameAs(reply.Caller), who);
        Assert.That(live, Is.EqualTo(Owes[p].Live), who);
        if (live)
        {
            liveHolders[reply.Caller] = (liveHolders.TryGetValue(reply.Caller, out int n) ? n : 0) + 1;
        }
    }
}

internal readonly record struct Letter(IpcParticipant From, ulong Badge, bool IsCall, IpcParticipant? ReplyTo, int WordCount);

internal sealed class Owed(IpcParticipant caller)
{
    public IpcParticipant Caller { get; } = caller;

    public bool Live { get; set; } = true;
}
