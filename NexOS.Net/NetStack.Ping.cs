namespace NexOS.Net;

/// <summary>Pings: ICMP echo requests and their replies, matched by identifier and sequence.</summary>
public sealed partial class NetStack
{
    /// <summary>The most data bytes one echo request carries.</summary>
    public const int MaxPingData = 1472 - IcmpEcho.HeaderLength;

    private readonly ushort _pingIdentifier;
    private readonly Ping[] _pings = new Ping[MaxPings];
    private readonly byte[] _echo = new byte[IcmpEcho.HeaderLength + MaxPingData];

    private struct Ping
    {
        public int Token;
        public Ipv4Address Destination;
        public ushort Sequence;
        public ulong Sent;
        public ulong Deadline;
    }

    /// <summary>Sends an echo request of <paramref name="dataLength"/> bytes to
    /// <paramref name="destination"/>; the completion of <paramref name="token"/> carries the
    /// round trip in nanoseconds (TimedOut after <paramref name="timeoutNs"/>). Refusals:
    /// BadArgument, NotConfigured, Busy, Unreachable.</summary>
    public NetStatus StartPing(int token, Ipv4Address destination, ushort sequence, int dataLength, ulong timeoutNs, ulong now)
    {
        _now = now;
        if (token == 0 || dataLength < 0 || dataLength > MaxPingData || timeoutNs == 0 || timeoutNs > MaxTimeoutNs
            || destination == Ipv4Address.Any || destination == Ipv4Address.Broadcast || destination.IsMulticast)
        {
            return NetStatus.BadArgument;
        }

        if (Interface.Address == Ipv4Address.Any)
        {
            return NetStatus.NotConfigured;
        }

        int free = -1;
        for (int i = 0; i < MaxPings && free < 0; i++)
        {
            free = _pings[i].Token == 0 ? i : -1;
        }

        if (free < 0)
        {
            return NetStatus.Busy;
        }

        Span<byte> message = _echo.AsSpan(0, IcmpEcho.HeaderLength + dataLength);
        for (int i = 0; i < dataLength; i++)
        {
            message[IcmpEcho.HeaderLength + i] = (byte)i;
        }

        new IcmpEcho(true, _pingIdentifier, sequence).Write(message, dataLength);
        if (!Interface.SendIpv4(destination, IpProtocol.Icmp, message, now))
        {
            return NetStatus.Unreachable;
        }

        _pings[free] = new Ping { Token = token, Destination = destination, Sequence = sequence, Sent = now, Deadline = now + timeoutNs };
        return NetStatus.Ok;
    }

    private void OnEchoReply(Ipv4Address source, ushort identifier, ushort sequence)
    {
        if (identifier != _pingIdentifier)
        {
            return;
        }

        for (int i = 0; i < MaxPings; i++)
        {
            ref Ping p = ref _pings[i];
            if (p.Token != 0 && p.Destination == source && p.Sequence == sequence)
            {
                _done.Enqueue(new NetCompletion(p.Token, NetStatus.Ok, _now - p.Sent, 0));
                p = default;
                return;
            }
        }
    }

    private void TickPings(ulong now)
    {
        for (int i = 0; i < MaxPings; i++)
        {
            ref Ping p = ref _pings[i];
            if (p.Token != 0 && now >= p.Deadline)
            {
                _done.Enqueue(new NetCompletion(p.Token, NetStatus.TimedOut, 0, 0));
                p = default;
            }
        }
    }

    private void CancelPings(int token)
    {
        for (int i = 0; i < MaxPings; i++)
        {
            _pings[i] = _pings[i].Token == token ? default : _pings[i];
        }
    }
}
