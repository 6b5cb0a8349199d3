namespace NexOS.Core.Ipc;

/// <summary>
/// A participant's capabilities: a fixed number of slots, each empty or holding a kernel
/// object, the rights the holder has over it and a badge, a number the object's receivers
/// see and the holder cannot change. Slot <see cref="ReplySlot"/> is reserved: only the IPC
/// operations put a one-shot reply capability there and take it away. The constructor
/// allocates every slot; no other member allocates or throws. Not thread-safe: the kernel
/// calls with interrupts off.
/// </summary>
public sealed class CapabilityTable
{
    /// <summary>The slot that holds the reply capability of the call being served.</summary>
    public const int ReplySlot = 0;

    public const int DefaultSize = 64;

    /// <summary>Fewest slots: the reply slot and one more.</summary>
    public const int MinSize = 2;

    public const int MaxSize = 4096;

    // Parallel arrays instead of an array of structs holding a reference: the common lookup
    // reads one object and one rights word, and the layout stays obvious to the collector.
    private readonly IpcObject?[] _objects;
    private readonly IpcRights[] _rights;
    private readonly ulong[] _badges;

    /// <summary>Makes a table of <paramref name="size"/> empty slots. Throws
    /// <see cref="ArgumentOutOfRangeException"/> outside <see cref="MinSize"/> to
    /// <see cref="MaxSize"/> (set-up code only).</summary>
    public CapabilityTable(int size = DefaultSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        _objects = new IpcObject?[size];
        _rights = new IpcRights[size];
        _badges = new ulong[size];
    }

    /// <summary>Slots in the table, the reserved one included.</summary>
    public int Size => _objects.Length;

    /// <summary>Slots that hold a capability, the reserved one included.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Puts a capability to <paramref name="obj"/> in the lowest free slot above
    /// <see cref="ReplySlot"/> and returns the slot. Refuses a null object or a
    /// <see cref="ReplyObject"/> (reply capabilities only come from calls) with WrongObjectType,
    /// rights outside <see cref="IpcRights.All"/> with InsufficientRights, and a full table
    /// with TableFull; <paramref name="slot"/> is -1 then.
    /// </summary>
    public IpcStatus Insert(IpcObject? obj, IpcRights rights, ulong badge, out int slot)
    {
        slot = -1;
        if (obj == null || obj is ReplyObject)
        {
            return IpcStatus.WrongObjectType;
        }

        if ((rights & ~IpcRights.All) != 0)
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
    /// per client. Reply capabilities cannot be copied (they are one-shot). Refusals change
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

        if ((rights & ~_rights[source]) != 0)
        {
            return IpcStatus.InsufficientRights;
        }

        if (sourceBadge != 0 && badge != sourceBadge)
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
        if ((uint)slot >= (uint)_objects.Length || slot == ReplySlot)
        {
            return IpcStatus.InvalidSlot;
        }

        if (_objects[slot] == null)
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
        if ((uint)slot >= (uint)_objects.Length)
        {
            return IpcStatus.InvalidSlot;
        }

        IpcObject? held = _objects[slot];
        if (held == null)
        {
            return IpcStatus.EmptySlot;
        }

        if (held is not T typed)
        {
            return IpcStatus.WrongObjectType;
        }

        if ((_rights[slot] & required) != required)
        {
            return IpcStatus.InsufficientRights;
        }

        obj = typed;
        badge = _badges[slot];
        return IpcStatus.Ok;
    }

    /// <summary>The rights held in <paramref name="slot"/>; None for an empty or invalid slot.</summary>
    public IpcRights RightsAt(int slot) =>
        (uint)slot < (uint)_objects.Length && _objects[slot] != null ? _rights[slot] : IpcRights.None;

    /// <summary>The reply object in the reserved slot, or null.</summary>
    internal ReplyObject? HeldReply => _objects[ReplySlot] as ReplyObject;

    /// <summary>The generation the held reply capability was made for.</summary>
    internal ulong HeldReplyGeneration => _badges[ReplySlot];

    /// <summary>True when the reserved slot holds a reply capability whose caller still waits.</summary>
    internal bool HasLiveReply => HeldReply is { } reply && reply.IsLive(_badges[ReplySlot]);

    /// <summary>Installs a reply capability, replacing a stale one. The badge field keeps
    /// the generation; reply capabilities carry no user badge.</summary>
    internal void PutReply(ReplyObject reply, IpcRights rights, ulong generation)
    {
        if (_objects[ReplySlot] == null)
        {
            Count++;
        }

        _objects[ReplySlot] = reply;
        _rights[ReplySlot] = rights;
        _badges[ReplySlot] = generation;
    }

    internal void ClearReply()
    {
        if (_objects[ReplySlot] != null)
        {
            Clear(ReplySlot);
        }
    }

    private IpcStatus Place(IpcObject obj, IpcRights rights, ulong badge, out int slot)
    {
        for (int i = ReplySlot + 1; i < _objects.Length; i++)
        {
            if (_objects[i] == null)
            {
                _objects[i] = obj;
                _rights[i] = rights;
                _badges[i] = badge;
                Count++;
                slot = i;
                return IpcStatus.Ok;
            }
        }

        slot = -1;
        return IpcStatus.TableFull;
    }

    private void Clear(int slot)
    {
        _objects[slot] = null;
        _rights[slot] = IpcRights.None;
        _badges[slot] = 0;
        Count--;
    }
}
