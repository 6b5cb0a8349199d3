using NexOS.Security.Crypto;

namespace NexOS.Security.Audit;

/// <summary>
/// The in-kernel audit trail: an append-only, hash-chained log in a fixed-capacity ring.
/// Contract: memory is allocated once, in the constructor; <see cref="Append"/> never
/// allocates and never fails. When the ring is full the oldest record is dropped and its hash
/// becomes the <see cref="Anchor"/>, the previous hash of the oldest retained record, so the
/// retained part stays verifiable on its own (the very first record's anchor is all zeros).
/// Appends and reads take a lock, so several threads may log at once.
/// </summary>
public sealed class AuditTrail
{
    private readonly AuditRecord[] _slots;
    private readonly byte[] _anchor = new byte[Sha256.HashSize];
    private readonly byte[] _head = new byte[Sha256.HashSize];
    private readonly object _gate = new();
    private int _oldest;
    private int _count;
    private ulong _nextSequence = 1;

    /// <summary>Creates an empty trail holding at most <paramref name="capacity"/> records.</summary>
    public AuditTrail(int capacity)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), "an audit trail holds at least one record");
        }

        _slots = new AuditRecord[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _slots[i] = new AuditRecord();
        }
    }

    /// <summary>Most records held.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Records held now.</summary>
    public int Count => _count;

    /// <summary>Sequence number of the oldest retained record (the next one when empty).</summary>
    public ulong FirstSequence => _nextSequence - (ulong)_count;

    /// <summary>Previous hash of the oldest retained record.</summary>
    public ReadOnlySpan<byte> Anchor => _anchor;

    /// <summary>Hash of the newest record (the anchor when empty); publishing it elsewhere lets
    /// a reader detect records cut off the end.</summary>
    public ReadOnlySpan<byte> Head => _head;

    /// <summary>Appends an event and returns its sequence number.</summary>
    public ulong Append(ulong timeNs, AuditEventKind kind, ulong patchId, ReadOnlySpan<char> actor, ReadOnlySpan<char> detail)
    {
        lock (_gate)
        {
            return AppendLocked(timeNs, kind, patchId, actor, detail);
        }
    }

    // Append's work; the caller holds the gate.
    private ulong AppendLocked(ulong timeNs, AuditEventKind kind, ulong patchId, ReadOnlySpan<char> actor, ReadOnlySpan<char> detail)
    {
        int slot;
        if (_count == _slots.Length)
        {
            // Dropping the oldest record: its hash is what the next oldest links to.
            slot = _oldest;
            _slots[slot].Hash.CopyTo(_anchor);
            _oldest = (_oldest + 1) % _slots.Length;
        }
        else
        {
            slot = (_oldest + _count) % _slots.Length;
            _count++;
        }

        AuditRecord record = _slots[slot];
        ulong sequence = _nextSequence++;
        record.Fill(sequence, timeNs, kind, patchId, actor, detail);
        record.SetPrevHash(_head);
        record.Seal();
        record.Hash.CopyTo(_head);
        return sequence;
    }

    /// <summary>
    /// Puts a verified earlier trail (<paramref name="saved"/>, read back from the disk and
    /// checked by <see cref="AuditLog.Verify"/> by the caller) in front of this one: the
    /// chain restarts at the saved anchor and sequence, the saved records are appended again
    /// (giving the same hashes), and the records this trail already held follow with new
    /// sequence numbers, chained to the saved head. When more records than
    /// <see cref="Capacity"/> result, the oldest drop as with any append. Returns the
    /// sequence number the first of this trail's own records now has. Set-up code: it
    /// allocates.
    /// </summary>
    public ulong Restore(AuditLog saved)
    {
        lock (_gate)
        {
            var own = new List<(ulong Time, AuditEventKind Kind, ulong Patch, string Actor, string Detail)>(_count);
            for (int i = 0; i < _count; i++)
            {
                AuditRecord r = _slots[(_oldest + i) % _slots.Length];
                own.Add((r.TimeNs, r.Kind, r.PatchId, r.Actor, r.Detail));
            }

            _oldest = 0;
            _count = 0;
            _nextSequence = saved.FirstSequence;
            saved.Anchor.CopyTo(_anchor);
            saved.Anchor.CopyTo(_head);
            foreach (AuditRecord r in saved.Records)
            {
                AppendLocked(r.TimeNs, r.Kind, r.PatchId, r.Actor, r.Detail);
            }

            ulong firstOwn = _nextSequence;
            foreach ((ulong time, AuditEventKind kind, ulong patch, string actor, string detail) in own)
            {
                AppendLocked(time, kind, patch, actor, detail);
            }

            return firstOwn;
        }
    }

    /// <summary>The record at <paramref name="index"/> counted from the oldest retained (0).
    /// The object is a ring slot: it is overwritten once <see cref="Capacity"/> more records
    /// have been appended.</summary>
    public AuditRecord RecordAt(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return _slots[(_oldest + index) % _slots.Length];
    }

    /// <summary>Checks the anchor against the first sequence number, then walks the retained
    /// chain from the anchor and reports the first broken record: the rule
    /// <see cref="AuditLog.Verify"/> applies to an export.</summary>
    public AuditVerifyResult Verify()
    {
        lock (_gate)
        {
            AuditVerifyResult anchor = AuditChain.CheckAnchor(FirstSequence, _anchor);
            if (!anchor.IsIntact)
            {
                return anchor;
            }

            ReadOnlySpan<byte> expectedPrev = _anchor;
            ulong sequence = FirstSequence;
            for (int i = 0; i < _count; i++)
            {
                AuditRecord record = _slots[(_oldest + i) % _slots.Length];
                AuditVerifyResult result = AuditChain.CheckRecord(record, sequence, expectedPrev);
                if (!result.IsIntact)
                {
                    return result;
                }

                expectedPrev = record.Hash;
                sequence++;
            }

            return default;
        }
    }

    /// <summary>
    /// Test aid: changes one field of the record at <paramref name="index"/> (counted from the
    /// oldest retained) without resealing it, as an attacker with write access to memory
    /// would, so that tests can show <see cref="Verify"/> finds the change. Returns false for
    /// an index outside the trail. Never used by the kernel except through `audit tamper`.
    /// </summary>
    public bool Tamper(int index)
    {
        lock (_gate)
        {
            if ((uint)index >= (uint)_count)
            {
                return false;
            }

            _slots[(_oldest + index) % _slots.Length].Corrupt();
            return true;
        }
    }

    /// <summary>Runs <paramref name="action"/> while holding the trail's lock, so that an
    /// exporter sees a consistent set of records.</summary>
    public void WithLock<TState>(TState state, Action<AuditTrail, TState> action)
    {
        lock (_gate)
        {
            action(this, state);
        }
    }
}
