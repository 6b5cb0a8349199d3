namespace NexOS.Net;

/// <summary>Where an interface's outgoing frames go: the network driver.</summary>
public interface IFrameSink
{
    /// <summary>Sends one Ethernet frame (without FCS; the driver pads it to the minimum).</summary>
    void Send(ReadOnlySpan<byte> frame);
}

/// <summary>Counts of what an interface did with frames, for `ifconfig` and the metrics.</summary>
public sealed class InterfaceCounters
{
    public ulong FramesReceived;
    public ulong FramesSent;
    public ulong ArpRepliesSent;
    public ulong EchoRepliesSent;
    public ulong EchoRepliesReceived;
    public ulong UdpDelivered;
    public ulong DroppedMalformed;
    public ulong DroppedNotForUs;
    public ulong DroppedUnsupported;
    public ulong DroppedUnreachable;
    public ulong DroppedQueueFull;
}

/// <summary>
/// One IPv4 interface on an Ethernet link: its address (0.0.0.0 until configured, when it
/// answers nothing but still hears broadcasts, as a DHCP client must), the ARP exchange
/// (answering requests for its address, resolving next hops, holding a few packets while a
/// resolution is pending), fragments reassembled within limits (<see cref="Ipv4Reassembly"/>),
/// ICMP echo (it answers pings), and UDP handed to a receiver.
/// Everything from the wire is checked before it is used and every refusal is counted by
/// reason; nothing is queued without a bound, and nothing allocates per packet. Times are the
/// caller's monotonic nanoseconds; <see cref="Tick"/> retries and expires resolutions.
/// Not thread-safe: the stack service runs it on one thread.
/// </summary>
public sealed class IpInterface
{
    /// <summary>Packets held at most while their next hop's address is being resolved.</summary>
    public const int MaxPending = 16;

    private const byte DefaultTtl = 64;

    private readonly IFrameSink _sink;
    private readonly byte[] _frame = new byte[EthernetHeader.MaximumFrame];
    private readonly byte[] _reply = new byte[EthernetHeader.MaximumFrame];
    private readonly Ipv4Reassembly _reassembly = new();
    private ulong _now;
    private readonly byte[][] _pending = new byte[MaxPending][];
    private readonly int[] _pendingLength = new int[MaxPending];
    private readonly Ipv4Address[] _pendingHop = new Ipv4Address[MaxPending];
    private ushort _identification;

    public IpInterface(MacAddress mac, IFrameSink sink, ArpCache? arp = null)
    {
        Mac = mac;
        _sink = sink;
        Arp = arp ?? new ArpCache();
        for (int i = 0; i < MaxPending; i++)
        {
            _pending[i] = new byte[EthernetHeader.MaximumFrame];
        }
    }

    public MacAddress Mac { get; }

    public ArpCache Arp { get; }

    public InterfaceCounters Counters { get; } = new();

    /// <summary>The interface's address; 0.0.0.0 while unconfigured.</summary>
    public Ipv4Address Address { get; private set; }

    /// <summary>The subnet's prefix length (0-32).</summary>
    public int PrefixLength { get; private set; }

    /// <summary>Where packets outside the subnet go; 0.0.0.0 for none.</summary>
    public Ipv4Address Gateway { get; private set; }

    /// <summary>Called with each UDP datagram for this host: source, source port,
    /// destination port, payload (valid only during the call).</summary>
    public UdpReceiver? Udp { get; set; }

    /// <summary>Called with each TCP segment for this host: the IP header and the segment.</summary>
    public TcpReceiver? Tcp { get; set; }

    /// <summary>Called with each ICMP echo reply for this host: source, identifier, sequence.</summary>
    public EchoReceiver? EchoReplies { get; set; }

    /// <summary>Sets the address, prefix and gateway (from DHCP or by hand). False, changing
    /// nothing, for a prefix outside 0-32, a multicast or broadcast address, or a gateway
    /// outside the subnet.</summary>
    public bool Configure(Ipv4Address address, int prefixLength, Ipv4Address gateway)
    {
        if ((uint)prefixLength > 32 || address.IsMulticast || address == Ipv4Address.Broadcast
            || (gateway != Ipv4Address.Any && !gateway.SameSubnet(address, prefixLength)))
        {
            return false;
        }

        Address = address;
        PrefixLength = prefixLength;
        Gateway = gateway;
        return true;
    }

    /// <summary>Handles one received frame.</summary>
    public void Receive(ReadOnlySpan<byte> frame, ulong now)
    {
        _now = now;
        Counters.FramesReceived++;
        if (!EthernetHeader.TryRead(frame, out EthernetHeader eth, out ReadOnlySpan<byte> payload))
        {
            Counters.DroppedMalformed++;
            return;
        }

        if (eth.Destination != Mac && eth.Destination != MacAddress.Broadcast)
        {
            Counters.DroppedNotForUs++;
            return;
        }

        if (eth.Type == EtherType.Arp)
        {
            ReceiveArp(payload, now);
        }
        else if (eth.Type == EtherType.Ipv4)
        {
            ReceiveIpv4(payload);
        }
        else
        {
            Counters.DroppedUnsupported++;
        }
    }

    /// <summary>Sends <paramref name="payload"/> as an IPv4 packet of <paramref name="protocol"/>
    /// to <paramref name="destination"/>, through the gateway when it is outside the subnet.
    /// The link address of the next hop comes from the ARP cache; while it is being resolved
    /// the packet is held (at most <see cref="MaxPending"/>, then dropped and counted). False
    /// when it was dropped: no route, too long for one frame, unreachable, or no room.</summary>
    public bool SendIpv4(Ipv4Address destination, byte protocol, ReadOnlySpan<byte> payload, ulong now)
    {
        int length = EthernetHeader.Length + Ipv4Header.MinimumLength + payload.Length;
        bool broadcast = destination == Ipv4Address.Broadcast;
        bool local = broadcast || destination.SameSubnet(Address, PrefixLength);
        Ipv4Address hop = local ? destination : Gateway;
        if (length > EthernetHeader.MaximumFrame || (!local && Gateway == Ipv4Address.Any))
        {
            Counters.DroppedUnreachable++;
            return false;
        }

        Span<byte> frame = _frame.AsSpan(0, length);
        Ipv4Header.Write(frame[EthernetHeader.Length..], payload.Length, _identification++, dontFragment: true, DefaultTtl, protocol, Address, destination);
        payload.CopyTo(frame[(EthernetHeader.Length + Ipv4Header.MinimumLength)..]);
        if (broadcast)
        {
            return Transmit(frame, MacAddress.Broadcast);
        }

        switch (Arp.Lookup(hop, now, out MacAddress mac))
        {
            case ArpResult.Resolved:
                return Transmit(frame, mac);
            case ArpResult.SendRequest:
                SendArp(ArpPacket.Request, MacAddress.Broadcast, default, hop);
                return Hold(frame, hop);
            case ArpResult.Waiting:
                return Hold(frame, hop);
            default:
                Counters.DroppedUnreachable++;
                return false;
        }
    }

    /// <summary>Called now and then (every few hundred milliseconds): asks again for next
    /// hops whose packets are held, and drops what is held for one that never answered.</summary>
    public void Tick(ulong now)
    {
        _now = now;
        for (int i = 0; i < MaxPending; i++)
        {
            if (_pendingLength[i] == 0 || Earlier(i))
            {
                continue;
            }

            Ipv4Address hop = _pendingHop[i];
            switch (Arp.Lookup(hop, now, out MacAddress mac))
            {
                case ArpResult.Resolved:
                    Release(hop, mac);
                    break;
                case ArpResult.SendRequest:
                    SendArp(ArpPacket.Request, MacAddress.Broadcast, default, hop);
                    break;
                case ArpResult.Unreachable:
                    Drop(hop);
                    break;
            }
        }
    }

    // True when an earlier held packet has the same next hop (it was handled there).
    private bool Earlier(int i)
    {
        for (int j = 0; j < i; j++)
        {
            if (_pendingLength[j] > 0 && _pendingHop[j] == _pendingHop[i])
            {
                return true;
            }
        }

        return false;
    }

    private void Drop(Ipv4Address hop)
    {
        for (int i = 0; i < MaxPending; i++)
        {
            if (_pendingLength[i] > 0 && _pendingHop[i] == hop)
            {
                _pendingLength[i] = 0;
                Counters.DroppedUnreachable++;
            }
        }
    }

    /// <summary>Packets held for next hops being resolved.</summary>
    public int Pending
    {
        get
        {
            int n = 0;
            foreach (int l in _pendingLength)
            {
                n += l > 0 ? 1 : 0;
            }

            return n;
        }
    }

    private void ReceiveArp(ReadOnlySpan<byte> payload, ulong now)
    {
        if (!ArpPacket.TryRead(payload, out ArpPacket arp))
        {
            Counters.DroppedMalformed++;
            return;
        }

        bool forUs = Address != Ipv4Address.Any && arp.TargetIp == Address;
        if (Arp.Learn(arp.SenderIp, arp.SenderMac, now, create: forUs))
        {
            Release(arp.SenderIp, arp.SenderMac);
        }

        if (forUs && arp.Operation == ArpPacket.Request)
        {
            SendArp(ArpPacket.Reply, arp.SenderMac, arp.SenderMac, arp.SenderIp);
            Counters.ArpRepliesSent++;
        }
    }

    private void ReceiveIpv4(ReadOnlySpan<byte> payload)
    {
        if (Ipv4Header.TryRead(payload, out Ipv4Header ip, out ReadOnlySpan<byte> body) != Ipv4Error.None)
        {
            Counters.DroppedMalformed++;
            return;
        }

        bool configured = Address != Ipv4Address.Any;
        bool forUs = configured ? ip.Destination == Address || ip.Destination == Ipv4Address.Broadcast : ip.Protocol == IpProtocol.Udp;
        if (!forUs)
        {
            Counters.DroppedNotForUs++;
            return;
        }

        if (ip.IsFragment)
        {
            ReassemblyResult joined = _reassembly.Add(ip, body, _now, out body);
            if (joined != ReassemblyResult.Complete)
            {
                Counters.DroppedMalformed += joined == ReassemblyResult.Incomplete ? 0UL : 1UL;
                return;
            }
        }

        if (ip.Protocol == IpProtocol.Icmp && ip.Destination == Address)
        {
            ReceiveIcmp(ip, body);
        }
        else if (ip.Protocol == IpProtocol.Tcp && Tcp != null && ip.Destination == Address)
        {
            Tcp(ip, body, _now);
        }
        else if (ip.Protocol == IpProtocol.Udp)
        {
            if (UdpHeader.TryRead(body, ip.Source, ip.Destination, out UdpHeader udp, out ReadOnlySpan<byte> data) != UdpError.None)
            {
                Counters.DroppedMalformed++;
                return;
            }

            Counters.UdpDelivered++;
            Udp?.Invoke(ip.Source, udp.SourcePort, udp.DestinationPort, data);
        }
        else
        {
            Counters.DroppedUnsupported++;
        }
    }

    private void ReceiveIcmp(Ipv4Header ip, ReadOnlySpan<byte> body)
    {
        if (!IcmpEcho.TryRead(body, out IcmpEcho echo, out ReadOnlySpan<byte> data))
        {
            Counters.DroppedMalformed++;
            return;
        }

        if (!echo.IsRequest)
        {
            Counters.EchoRepliesReceived++;
            EchoReplies?.Invoke(ip.Source, echo.Identifier, echo.Sequence);
            return;
        }

        // The reply carries the request's data back; it goes the way any packet goes.
        Span<byte> reply = _reply.AsSpan(0, IcmpEcho.HeaderLength + data.Length);
        data.CopyTo(reply[IcmpEcho.HeaderLength..]);
        new IcmpEcho(false, echo.Identifier, echo.Sequence).Write(reply, data.Length);
        if (SendIpv4(ip.Source, IpProtocol.Icmp, reply, _now))
        {
            Counters.EchoRepliesSent++;
        }
    }

    private void SendArp(ushort operation, MacAddress to, MacAddress targetMac, Ipv4Address targetIp)
    {
        Span<byte> frame = stackalloc byte[EthernetHeader.MinimumFrame];
        frame.Clear();
        new EthernetHeader(to, Mac, EtherType.Arp).Write(frame);
        new ArpPacket(operation, Mac, Address, targetMac, targetIp).Write(frame[EthernetHeader.Length..]);
        _sink.Send(frame);
        Counters.FramesSent++;
    }

    private bool Transmit(Span<byte> frame, MacAddress to)
    {
        new EthernetHeader(to, Mac, EtherType.Ipv4).Write(frame);
        _sink.Send(frame);
        Counters.FramesSent++;
        return true;
    }

    private bool Hold(ReadOnlySpan<byte> frame, Ipv4Address hop)
    {
        int free = Array.IndexOf(_pendingLength, 0);
        if (free < 0)
        {
            Counters.DroppedQueueFull++;
            return false;
        }

        frame.CopyTo(_pending[free]);
        _pendingLength[free] = frame.Length;
        _pendingHop[free] = hop;
        return true;
    }

    // The next hop answered: everything held for it goes now.
    private void Release(Ipv4Address hop, MacAddress mac)
    {
        for (int i = 0; i < MaxPending; i++)
        {
            if (_pendingLength[i] > 0 && _pendingHop[i] == hop)
            {
                Transmit(_pending[i].AsSpan(0, _pendingLength[i]), mac);
                _pendingLength[i] = 0;
            }
        }
    }
}

/// <summary>Receives a TCP segment: the IP header, the segment, the time.</summary>
public delegate void TcpReceiver(Ipv4Header ip, ReadOnlySpan<byte> segment, ulong now);

/// <summary>Receives an ICMP echo reply: source address, identifier, sequence.</summary>
public delegate void EchoReceiver(Ipv4Address source, ushort identifier, ushort sequence);

/// <summary>Receives a UDP datagram: source address and port, destination port, payload.</summary>
public delegate void UdpReceiver(Ipv4Address source, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload);
