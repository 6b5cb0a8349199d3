namespace NexOS.Net;

/// <summary>What <see cref="ArpCache.Lookup"/> says to do with a packet for an address.</summary>
public enum ArpResult
{
    /// <summary>The hardware address is known: send.</summary>
    Resolved,

    /// <summary>Unknown: send an ARP request now (the cache noted it), then hold the packet.</summary>
    SendRequest,

    /// <summary>A request is out and not yet due again: hold the packet.</summary>
    Waiting,

    /// <summary>Every request went unanswered: drop the packet and report the host
    /// unreachable. The cache forgets the address after one more lifetime of retries.</summary>
    Unreachable,
}

/// <summary>
/// The ARP cache (RFC 826, RFC 1122 2.3.2): IPv4 to Ethernet addresses, each kept for
/// <see cref="LifetimeNs"/> after it was last confirmed, at most <see cref="Capacity"/> of
/// them (the least recently confirmed goes first when full, so a flood of requests cannot grow
/// it). An address asked for is requested, again every <see cref="RetryNs"/>, at most
/// <see cref="MaxRequests"/> times. Times are the caller's monotonic nanoseconds, so tests
/// drive it without a clock. It allocates only when made.
/// </summary>
public sealed class ArpCache
{
    private readonly Ipv4Address[] _ip;
    private readonly MacAddress[] _mac;
    private readonly ulong[] _stamp;    // resolved: last confirmed; pending: last request sent
    private readonly byte[] _requests;  // 0: resolved; else requests sent
    private readonly bool[] _used;

    /// <summary>A cache of <paramref name="capacity"/> entries (1-4096).</summary>
    public ArpCache(int capacity = 64, ulong lifetimeNs = 60_000_000_000, ulong retryNs = 1_000_000_000, int maxRequests = 3)
    {
        Capacity = Math.Clamp(capacity, 1, 4096);
        LifetimeNs = lifetimeNs;
        RetryNs = retryNs;
        MaxRequests = Math.Clamp(maxRequests, 1, 255);
        _ip = new Ipv4Address[Capacity];
        _mac = new MacAddress[Capacity];
        _stamp = new ulong[Capacity];
        _requests = new byte[Capacity];
        _used = new bool[Capacity];
    }

    public int Capacity { get; }

    public ulong LifetimeNs { get; }

    public ulong RetryNs { get; }

    public int MaxRequests { get; }

    /// <summary>Entries held, resolved or pending.</summary>
    public int Count
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

    /// <summary>What to do with a packet for <paramref name="ip"/> at time <paramref name="now"/>.</summary>
    public ArpResult Lookup(Ipv4Address ip, ulong now, out MacAddress mac)
    {
        mac = default;
        int i = Find(ip);
        if (i >= 0 && _requests[i] == 0)
        {
            if (now - _stamp[i] < LifetimeNs)
            {
                mac = _mac[i];
                return ArpResult.Resolved;
            }

            // Expired: ask again rather than trust an old answer.
            _requests[i] = 1;
            _stamp[i] = now;
            return ArpResult.SendRequest;
        }

        if (i >= 0)
        {
            if (now - _stamp[i] < RetryNs)
            {
                return _requests[i] > MaxRequests ? ArpResult.Unreachable : ArpResult.Waiting;
            }

            if (_requests[i] >= MaxRequests)
            {
                // Out of tries: unreachable for a while, then forgotten.
                bool forget = _requests[i] > MaxRequests && now - _stamp[i] >= LifetimeNs;
                _used[i] = !forget;
                _requests[i] = (byte)(MaxRequests + 1);
                return ArpResult.Unreachable;
            }

            _requests[i]++;
            _stamp[i] = now;
            return ArpResult.SendRequest;
        }

        i = Slot(now);
        _used[i] = true;
        _ip[i] = ip;
        _mac[i] = default;
        _requests[i] = 1;
        _stamp[i] = now;
        return ArpResult.SendRequest;
    }

    /// <summary>Records that <paramref name="ip"/> is at <paramref name="mac"/> (from a reply
    /// or a request): an entry there is updated; a new one is made only when
    /// <paramref name="create"/> (RFC 826: when the packet was for this host). Broadcast,
    /// multicast and zero addresses are ignored. True when an entry now holds it.</summary>
    public bool Learn(Ipv4Address ip, MacAddress mac, ulong now, bool create)
    {
        if (mac.IsMulticast || mac.Value == 0 || ip == Ipv4Address.Any || ip == Ipv4Address.Broadcast || ip.IsMulticast)
        {
            return false;
        }

        int i = Find(ip);
        if (i < 0 && !create)
        {
            return false;
        }

        i = i >= 0 ? i : Slot(now);
        _used[i] = true;
        _ip[i] = ip;
        _mac[i] = mac;
        _requests[i] = 0;
        _stamp[i] = now;
        return true;
    }

    /// <summary>Forgets <paramref name="ip"/>; false when it was not held.</summary>
    public bool Remove(Ipv4Address ip)
    {
        int i = Find(ip);
        if (i >= 0)
        {
            _used[i] = false;
        }

        return i >= 0;
    }

    /// <summary>The resolved entries, for `arp`-style listings: address, hardware address and
    /// the nanoseconds since each was confirmed.</summary>
    public List<(Ipv4Address Ip, MacAddress Mac, ulong AgeNs)> Resolved(ulong now)
    {
        var list = new List<(Ipv4Address, MacAddress, ulong)>();
        for (int i = 0; i < Capacity; i++)
        {
            if (_used[i] && _requests[i] == 0 && now - _stamp[i] < LifetimeNs)
            {
                list.Add((_ip[i], _mac[i], now - _stamp[i]));
            }
        }

        return list;
    }

    private int Find(Ipv4Address ip)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (_used[i] && _ip[i] == ip)
            {
                return i;
            }
        }

        return -1;
    }

    // A free slot, or else the one least recently confirmed or asked for.
    private int Slot(ulong now)
    {
        int oldest = 0;
        for (int i = 0; i < Capacity; i++)
        {
            if (!_used[i])
            {
                return i;
            }

            if (now - _stamp[i] > now - _stamp[oldest])
            {
                oldest = i;
            }
        }

        return oldest;
    }
}
