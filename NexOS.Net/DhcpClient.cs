namespace NexOS.Net;

/// <summary>Where a <see cref="DhcpClient"/> stands.</summary>
public enum DhcpState
{
    /// <summary>Not started.</summary>
    Idle,

    /// <summary>DISCOVER sent; waiting for an offer.</summary>
    Selecting,

    /// <summary>REQUEST sent for an offer (or to renew); waiting for the ACK.</summary>
    Requesting,

    /// <summary>The lease is granted.</summary>
    Bound,

    /// <summary>No server answered after every retry.</summary>
    Failed,
}

/// <summary>
/// A DHCP client (RFC 2131) as a state machine the network service drives: it returns each
/// message to broadcast (from 0.0.0.0:68 to 255.255.255.255:67) and takes the replies.
/// DISCOVER, then REQUEST for the first offer, then bound on the ACK; a NAK starts over. A
/// message unanswered is sent again after 4 s, doubling to at most 64 s, <see cref="MaxTries"/>
/// times before the client gives up. At half the lease it asks to renew (a broadcast
/// REQUEST for the same address from the same server). Times are the caller's monotonic
/// nanoseconds; transaction ids come from the seed the caller gives (its clock, its MAC).
/// </summary>
public sealed class DhcpClient
{
    private const ulong Second = 1_000_000_000;
    private const ulong FirstRetryNs = 4 * Second;
    private const ulong LastRetryNs = 64 * Second;

    private readonly MacAddress _mac;
    private ulong _random;
    private uint _transaction;
    private ulong _due;
    private ulong _interval;
    private int _tries;
    private DhcpLease? _offer;
    private ulong _boundAt;

    public DhcpClient(MacAddress mac, ulong seed, int maxTries = 5)
    {
        _mac = mac;
        _random = seed | 1;
        MaxTries = Math.Clamp(maxTries, 1, 16);
    }

    public int MaxTries { get; }

    public DhcpState State { get; private set; }

    /// <summary>The lease while <see cref="DhcpState.Bound"/> (and while renewing), else null.</summary>
    public DhcpLease? Lease { get; private set; }

    /// <summary>Messages sent so far.</summary>
    public int Sent { get; private set; }

    /// <summary>Starts (or starts over): returns the DISCOVER's length in <paramref name="message"/>.</summary>
    public int Start(ulong now, Span<byte> message)
    {
        _transaction = NextTransaction();
        _offer = null;
        State = DhcpState.Selecting;
        _tries = 0;
        _interval = FirstRetryNs;
        return Send(now, message);
    }

    /// <summary>Takes a UDP payload from port 67; returns the length of a message to send in
    /// reply (a REQUEST, or a new DISCOVER after a NAK), or 0.</summary>
    public int Receive(ReadOnlySpan<byte> payload, ulong now, Span<byte> message)
    {
        if (State is not (DhcpState.Selecting or DhcpState.Requesting)
            || DhcpMessage.TryRead(payload, _transaction, _mac, out byte type, out DhcpLease? lease) != DhcpError.None)
        {
            return 0;
        }

        if (State == DhcpState.Selecting && type == DhcpType.Offer)
        {
            _offer = lease;
            State = DhcpState.Requesting;
            _tries = 0;
            _interval = FirstRetryNs;
            return Send(now, message);
        }

        if (State == DhcpState.Requesting && type == DhcpType.Ack && lease!.Address == _offer!.Address)
        {
            Lease = lease;
            State = DhcpState.Bound;
            _boundAt = now;
            return 0;
        }

        if (State == DhcpState.Requesting && type == DhcpType.Nak)
        {
            Lease = null;
            return Start(now, message);
        }

        return 0;
    }

    /// <summary>Called now and then; returns the length of a message that is due (a
    /// retry, or a renewal at half the lease), or 0.</summary>
    public int Tick(ulong now, Span<byte> message)
    {
        if (State == DhcpState.Bound && Lease != null && now - _boundAt >= Lease.LeaseSeconds * Second / 2)
        {
            _offer = Lease;
            _transaction = NextTransaction();
            State = DhcpState.Requesting;
            _tries = 0;
            _interval = FirstRetryNs;
            return Send(now, message);
        }

        if (State is not (DhcpState.Selecting or DhcpState.Requesting) || now < _due)
        {
            return 0;
        }

        if (_tries >= MaxTries)
        {
            State = DhcpState.Failed;
            Lease = null;
            return 0;
        }

        _interval = Math.Min(_interval * 2, LastRetryNs);
        return Send(now, message);
    }

    private int Send(ulong now, Span<byte> message)
    {
        _tries++;
        Sent++;
        _due = now + _interval;
        return State == DhcpState.Selecting
            ? DhcpMessage.WriteClient(message, DhcpType.Discover, _transaction, _mac, Ipv4Address.Any, Ipv4Address.Any)
            : DhcpMessage.WriteClient(message, DhcpType.Request, _transaction, _mac, _offer!.Address, _offer.Server);
    }

    private uint NextTransaction()
    {
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        return (uint)(_random >> 16);
    }
}
