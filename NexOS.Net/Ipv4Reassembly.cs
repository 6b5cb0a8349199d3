namespace NexOS.Net;

/// <summary>What <see cref="Ipv4Reassembly.Add"/> did with a fragment.</summary>
public enum ReassemblyResult
{
    /// <summary>Kept; the datagram is not whole yet.</summary>
    Incomplete,

    /// <summary>The datagram is whole: its payload is returned.</summary>
    Complete,

    /// <summary>The fragment was bad (past 64 KiB, a middle one not a multiple of 8 bytes,
    /// or beyond the last one's end): it and its datagram were dropped.</summary>
    BadFragment,

    /// <summary>It overlapped bytes already received with different ones: the datagram was
    /// dropped (overlaps are how fragment attacks smuggle data past filters).</summary>
    Overlap,
}

/// <summary>
/// IPv4 fragment reassembly (RFC 791, RFC 815) with limits: at most <see cref="Slots"/>
/// datagrams at once (the oldest is dropped for a new one), each at most 64 KiB, each given
/// <see cref="TimeoutNs"/> from its first fragment. Received bytes are tracked in 8-byte
/// blocks; a fragment that repeats bytes exactly is accepted, one that changes them drops its
/// datagram. Buffers are allocated once, when the reassembler is made.
/// </summary>
public sealed class Ipv4Reassembly
{
    /// <summary>The largest payload a datagram can have: 65,535 minus a 20-byte header.</summary>
    public const int MaxPayload = 65_535 - Ipv4Header.MinimumLength;

    private const int Blocks = (MaxPayload + 7) / 8;

    private readonly byte[][] _data;
    private readonly ulong[][] _received;
    private readonly bool[] _used;
    private readonly ulong[] _started;
    private readonly int[] _total;       // payload length once the last fragment came, else -1
    private readonly (Ipv4Address Source, Ipv4Address Destination, byte Protocol, ushort Id)[] _key;

    public Ipv4Reassembly(int slots = 4, ulong timeoutNs = 30_000_000_000)
    {
        Slots = Math.Clamp(slots, 1, 64);
        TimeoutNs = timeoutNs;
        _data = new byte[Slots][];
        _received = new ulong[Slots][];
        for (int i = 0; i < Slots; i++)
        {
            _data[i] = new byte[MaxPayload];
            _received[i] = new ulong[(Blocks + 63) / 64];
        }

        _used = new bool[Slots];
        _started = new ulong[Slots];
        _total = new int[Slots];
        _key = new (Ipv4Address, Ipv4Address, byte, ushort)[Slots];
    }

    public int Slots { get; }

    public ulong TimeoutNs { get; }

    /// <summary>Datagrams given up on: timed out or pushed out by newer ones.</summary>
    public ulong Expired { get; private set; }

    /// <summary>Datagrams being reassembled.</summary>
    public int InProgress
    {
        get
        {
            int n = 0;
            foreach (bool u in _used)
            {
                n += u ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>Adds the fragment <paramref name="header"/> describes, with its payload; on
    /// <see cref="ReassemblyResult.Complete"/> <paramref name="datagram"/> is the whole
    /// payload, valid until the next call.</summary>
    public ReassemblyResult Add(Ipv4Header header, ReadOnlySpan<byte> payload, ulong now, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        Expire(now);
        var key = (header.Source, header.Destination, header.Protocol, header.Identification);
        int slot = Find(key);
        int start = header.FragmentOffset, end = start + payload.Length;
        bool bad = end > MaxPayload || (header.MoreFragments && (payload.Length == 0 || payload.Length % 8 != 0))
            || (slot >= 0 && _total[slot] >= 0 && (end > _total[slot] || (!header.MoreFragments && end != _total[slot])));
        if (bad)
        {
            Free(slot);
            return ReassemblyResult.BadFragment;
        }

        if (slot < 0)
        {
            slot = Claim(now);
            _key[slot] = key;
        }

        byte[] data = _data[slot];
        ulong[] received = _received[slot];
        for (int block = start / 8; block < (end + 7) / 8; block++)
        {
            if ((received[block >> 6] & (1UL << (block & 63))) != 0)
            {
                int from = Math.Max(start, block * 8), to = Math.Min(end, (block * 8) + 8);
                if (!payload[(from - start)..(to - start)].SequenceEqual(data.AsSpan(from, to - from)))
                {
                    Free(slot);
                    return ReassemblyResult.Overlap;
                }
            }
        }

        payload.CopyTo(data.AsSpan(start));
        for (int block = start / 8; block < (end + 7) / 8; block++)
        {
            received[block >> 6] |= 1UL << (block & 63);
        }

        if (!header.MoreFragments)
        {
            // Nothing received may lie past the last fragment's end.
            for (int block = (end + 7) / 8; block < Blocks; block++)
            {
                if ((received[block >> 6] & (1UL << (block & 63))) != 0)
                {
                    Free(slot);
                    return ReassemblyResult.BadFragment;
                }
            }

            _total[slot] = end;
        }

        if (_total[slot] < 0 || !Whole(received, _total[slot]))
        {
            return ReassemblyResult.Incomplete;
        }

        datagram = data.AsSpan(0, _total[slot]);
        _used[slot] = false;
        return ReassemblyResult.Complete;
    }

    private static bool Whole(ulong[] received, int length)
    {
        for (int block = 0; block < (length + 7) / 8; block++)
        {
            if ((received[block >> 6] & (1UL << (block & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private int Find((Ipv4Address, Ipv4Address, byte, ushort) key)
    {
        for (int i = 0; i < Slots; i++)
        {
            if (_used[i] && _key[i] == key)
            {
                return i;
            }
        }

        return -1;
    }

    // A free slot, or the oldest datagram's (given up on).
    private int Claim(ulong now)
    {
        int slot = Array.IndexOf(_used, false);
        if (slot < 0)
        {
            slot = 0;
            for (int i = 1; i < Slots; i++)
            {
                slot = _started[i] < _started[slot] ? i : slot;
            }

            Expired++;
        }

        _used[slot] = true;
        _started[slot] = now;
        _total[slot] = -1;
        Array.Clear(_received[slot]);
        return slot;
    }

    private void Expire(ulong now)
    {
        for (int i = 0; i < Slots; i++)
        {
            if (_used[i] && now - _started[i] >= TimeoutNs)
            {
                _used[i] = false;
                Expired++;
            }
        }
    }

    private void Free(int slot)
    {
        if (slot >= 0)
        {
            _used[slot] = false;
        }
    }
}
