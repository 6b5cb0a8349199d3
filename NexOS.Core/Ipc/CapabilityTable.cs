using System.Threading;

namespace NexOS.Core.Ipc;

/// <summary>
/// A participant's capabilities: a fixed number of slots, each empty or holding a kernel
/// object, the rights the holder has over it and a badge, a number the object's receivers
/// see and the holder cannot change. Slot <see cref="ReplySlot"/> is reserved: only the IPC
/// operations put a one-shot reply capability there and take it away. Several participants
/// (the threads of one process) can hold one table through <see cref="Share"/>: the slots
/// from 1 up are common to them all, and each keeps its own reply slot, since each serves
/// its own calls. The constructor and <see cref="Share"/> allocate; no other member
/// allocates or throws. Changes must be serialised by the caller (the kernel changes tables
/// with interrupts off); a lookup racing a change sees the slot wholly before or wholly after
/// it (a change count makes it read again).
/// </summary>
public sealed class CapabilityTable
{
    /// <summary>The slot that holds the reply capability of the call being served.</summary>
    public const int ReplySlot = 0;

    public const int DefaultSize = 64;

    /// <summary>Fewest slots: the reply slot and one more.</summary>
    public const int MinSize = 2;

    public const int MaxSize = 4096;

    // The slots from 1 up, which tables made by Share have in common. Index 0 of its arrays
    // is never used: each table keeps its reply slot in the three fields below.
    private readonly SharedSlots _shared;
    private ReplyObject? _reply;
    private IpcRights _replyRights;
    private ulong _replyGeneration;

    /// <summary>Makes a table of <paramref name="size"/> empty slots. Throws
    /// <see cref="ArgumentOutOfRangeException"/> outside <see cref="MinSize"/> to
    /// <see cref="MaxSize"/> (set-up code only).</summary>
    public CapabilityTable(int size = DefaultSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        _shared = new SharedSlots(size);
    }

    private CapabilityTable(SharedSlots shared) => _shared = shared;

    /// <summary>Slots in the table, the reserved one included.</summary>
    public int Size => _shared.Objects.Length;

    /// <summary>Slots that hold a capability, this table's reserved one included.</summary>
    public int Count => _shared.Count + (_reply != null ? 1 : 0);

    /// <summary>Tables sharing the slots from 1 up with this one (this one included).</summary>
    public int Sharers => _shared.Sharers;

    /// <summary>
    /// Makes a table for another participant of the same holder (another thread of the
    /// process): the same slots from 1 up, so a capability inserted, copied or closed through
    /// either is there for both, and an empty reply slot of its own. Allocates (set-up code).
    /// </summary>
    public CapabilityTable Share()
    {
        _shared.Sharers++;
        return new CapabilityTable(_shared);
    }

    /// <summary>Empties every slot from 1 up, for every table sharing them (their holder has
    /// ended), and this table's reply slot. Returns how many capabilities were dropped.</summary>
    public int Clear()
    {
        int dropped = 0;
        for (int i = ReplySlot + 1; i < _shared.Objects.Length; i++)
        {
            if (_shared.Objects[i] != null)
            {
                Clear(i);
                dropped++;
            }
        }

        if (_reply != null)
        {
            ClearReply();
            dropped++;
        }

        return dropped;
    }

    /// <summary>
    /// Puts a capability to <paramref name="obj"/> in the lowest free slot above
    /// <see cref="ReplySlot"/> and returns the slot. Refuses a null object or a
    /// <see cref="ReplyObject"/> (reply capabilities only come from calls) with WrongObjectType,
    /// rights outside <see cref="IpcRights.All"/> or the reserved
    /// <see cref="IpcParticipant.NotificationBadge"/> with InsufficientRights, and a full table
    /// with TableFull; <paramref name="slot"/> is -1 then.
    /// </summary>
    public IpcStatus Insert(IpcObject? obj, IpcRights rights, ulong badge, out int slot)
    {
        slot = -1;
        if (obj == null || obj is ReplyObject)
        {
            return IpcStatus.WrongObjectType;
        }

        if ((rights & ~IpcRights.All) != 0 || badge == IpcParticipant.NotificationBadge)
        {
            return IpcStatus.InsufficientRights;
        }

        return Place(obj, rights, badge, out slot);
    }

    /// <summary>
    /// Copies the capability in <paramref name="source"/> to a free slot with
    /// <paramref name="rights"/>, which must be a subset of the source's (rights only shrink).
    /// A badged source keeps its badge: <paramref name="badge"/> must equal it; an unbadged
    /// source (badge 0) may be given any badge, which is how a server mints one identity
    /// per client, except <see cref="IpcParticipant.NotificationBadge"/>. Reply capabilities cannot be copied (they are one-shot). Refusals change
    /// nothing and leave <paramref name="slot"/> at -1.
    /// </summary>
    public IpcStatus Derive(int source, IpcRights rights, ulong badge, out int slot)
    {
        slot = -1;
        IpcStatus status = Lookup(source, IpcRights.None, out IpcObject? obj, out ulong sourceBadge);
        if (status != IpcStatus.Ok)
        {
            return status;
        }

        if (obj is ReplyObject)
        {
            return IpcStatus.WrongObjectType;
        }

        if ((rights & ~RightsAt(source)) != 0)
        {
            return IpcStatus.InsufficientRights;
        }

        if ((sourceBadge != 0 && badge != sourceBadge) || badge == IpcParticipant.NotificationBadge)
        {
            return IpcStatus.InsufficientRights;
        }

        return Place(obj!, rights, badge, out slot);
    }

    /// <summary>Empties <paramref name="slot"/>. The reserved <see cref="ReplySlot"/> is
    /// refused with InvalidSlot: a reply capability leaves by replying, or by
    /// <see cref="IpcParticipant.DropReply"/> when its holder dies.</summary>
    public IpcStatus Delete(int slot)
    {
        if ((uint)slot >= (uint)_shared.Objects.Length || slot == ReplySlot)
        {
            return IpcStatus.InvalidSlot;
        }

        if (_shared.Objects[slot] == null)
        {
            return IpcStatus.EmptySlot;
        }

        Clear(slot);
        return IpcStatus.Ok;
    }

    /// <summary>
    /// Resolves <paramref name="slot"/> to an object of type <typeparamref name="T"/> on
    /// which the holder has at least <paramref name="required"/>. Checks in this order:
    /// InvalidSlot (out of range), EmptySlot, WrongObjectType, InsufficientRights. On Ok,
    /// <paramref name="obj"/> is the object and <paramref name="badge"/> the capability's
    /// badge; otherwise they are null and 0.
    /// </summary>
    public IpcStatus Lookup<T>(int slot, IpcRights required, out T? obj, out ulong badge)
        where T : IpcObject
    {
        obj = null;
        badge = 0;
        if ((uint)slot >= (uint)_shared.Objects.Length)
        {
            return IpcStatus.InvalidSlot;
        }

        IpcObject? held;
        IpcRights rights;
        ulong heldBadge;
        if (slot == ReplySlot)
        {
            held = _reply;
            rights = _replyRights;
            heldBadge = _replyGeneration;
        }
        else
        {
            // Read until no change fell between the reads (another sharer may be preempted
            // in the middle of a change; its changes are serialised, the reads are not).
            int changes;
            do
            {
                changes = Volatile.Read(ref _shared.Changes);
                held = _shared.Objects[slot];
                rights = _shared.Rights[slot];
                heldBadge = _shared.Badges[slot];
            }
            while (changes != Volatile.Read(ref _shared.Changes));
        }

        if (held == null)
        {
            return IpcStatus.EmptySlot;
        }

        if (held is not T typed)
        {
            return IpcStatus.WrongObjectType;
        }

        if ((rights & required) != required)
        {
            return IpcStatus.InsufficientRights;
        }

        obj = typed;
        badge = heldBadge;
        return IpcStatus.Ok;
    }

    /// <summary>The rights held in <paramref name="slot"/>; None for an empty or invalid slot.</summary>
    public IpcRights RightsAt(int slot)
    {
        if ((uint)slot >= (uint)_shared.Objects.Length)
        {
            return IpcRights.None;
        }

        if (slot == ReplySlot)
        {
            return _reply != null ? _replyRights : IpcRights.None;
        }

        IpcRights rights;
        int changes;
        do
        {
            changes = Volatile.Read(ref _shared.Changes);
            rights = _shared.Objects[slot] != null ? _shared.Rights[slot] : IpcRights.None;
        }
        while (changes != Volatile.Read(ref _shared.Changes));
        return rights;
    }

    /// <summary>The reply object in the reserved slot, or null.</summary>
    internal ReplyObject? HeldReply => _reply;

    /// <summary>The generation the held reply capability was made for.</summary>
    internal ulong HeldReplyGeneration => _replyGeneration;

    /// <summary>True when the reserved slot holds a reply capability whose caller still waits.</summary>
    internal bool HasLiveReply => _reply is { } reply && reply.IsLive(_replyGeneration);

    /// <summary>The reply object of the call this table's holder is serving, while its caller
    /// still waits for the answer; null when the reserved slot is empty or stale. A server
    /// reads the call's grant from it (<see cref="ReplyObject.GrantLength"/>).</summary>
    public ReplyObject? LiveReply => HasLiveReply ? _reply : null;

    /// <summary>Installs a reply capability, replacing a stale one. The badge field keeps
    /// the generation; reply capabilities carry no user badge.</summary>
    internal void PutReply(ReplyObject reply, IpcRights rights, ulong generation)
    {
        _reply = reply;
        _replyRights = rights;
        _replyGeneration = generation;
    }

    /// <summary>Moves the reply capability in the reserved slot to the lowest free ordinary
    /// slot (the badge field keeps its generation, as in the reserved slot).</summary>
    internal IpcStatus MoveReply(out int slot)
    {
        IpcStatus status = Place(_reply!, _replyRights, _replyGeneration, out slot);
        if (status == IpcStatus.Ok)
        {
            ClearReply();
        }

        return status;
    }

    internal void ClearReply()
    {
        _reply = null;
        _replyRights = IpcRights.None;
        _replyGeneration = 0;
    }

    private IpcStatus Place(IpcObject obj, IpcRights rights, ulong badge, out int slot)
    {
        SharedSlots s = _shared;
        for (int i = ReplySlot + 1; i < s.Objects.Length; i++)
        {
            if (s.Objects[i] == null)
            {
                s.Changes++;
                s.Objects[i] = obj;
                s.Rights[i] = rights;
                s.Badges[i] = badge;
                s.Count++;
                s.Changes++;
                slot = i;
                return IpcStatus.Ok;
            }
        }

        slot = -1;
        return IpcStatus.TableFull;
    }

    private void Clear(int slot)
    {
        SharedSlots s = _shared;
        s.Changes++;
        s.Objects[slot] = null;
        s.Rights[slot] = IpcRights.None;
        s.Badges[slot] = 0;
        s.Count--;
        s.Changes++;
    }

    /// <summary>The slots tables made by <see cref="Share"/> have in common. Parallel arrays
    /// instead of an array of structs holding a reference: the common lookup reads one object
    /// and one rights word, and the layout stays obvious to the collector.</summary>
    private sealed class SharedSlots
    {
        public readonly IpcObject?[] Objects;
        public readonly IpcRights[] Rights;
        public readonly ulong[] Badges;
        public int Count;
        public int Changes;
        public int Sharers = 1;

        public SharedSlots(int size)
        {
            Objects = new IpcObject?[size];
            Rights = new IpcRights[size];
            Badges = new ulong[size];
        }
    }
}
