namespace NexOS.Net;

/// <summary>What a stack operation ended with.</summary>
public enum NetStatus
{
    Ok = 0,

    /// <summary>An argument is out of range (a name, a length, a timeout).</summary>
    BadArgument,

    /// <summary>The interface has no address yet.</summary>
    NotConfigured,

    /// <summary>No route to the destination, or its link address never answered.</summary>
    Unreachable,

    /// <summary>No answer in the time given.</summary>
    TimedOut,

    /// <summary>Too many operations of this kind are waiting.</summary>
    Busy,

    /// <summary>No name server is known.</summary>
    NoServer,

    /// <summary>The name does not exist (NXDOMAIN, or no address for it).</summary>
    NotFound,

    /// <summary>The name server failed or answered nonsense.</summary>
    ServerFailed,

    /// <summary>The peer refused the connection (a reset answered the SYN).</summary>
    Refused,

    /// <summary>The peer reset the connection.</summary>
    Reset,

    /// <summary>The connection is not open (closed, or never connected).</summary>
    NotConnected,

    /// <summary>The port is taken.</summary>
    AddressInUse,
}

/// <summary>Takes a UDP datagram for a port; false when nothing holds the port.</summary>
public delegate bool UdpPortReceiver(Ipv4Address source, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload);

/// <summary>A finished operation: the caller's token, how it ended, and its values (a ping's
/// round trip in nanoseconds; a resolved address and its TTL; a DHCP address).</summary>
public readonly record struct NetCompletion(int Token, NetStatus Status, ulong Value, ulong Value2);

/// <summary>
/// The network service's portable core: one Ethernet interface (<see cref="IpInterface"/>)
/// with its DHCP client and a DNS resolver, pings, and the operations programs wait on. A
/// program's operation is started with a token (the service uses the slot of the saved
/// reply) and ends as a <see cref="NetCompletion"/> the service takes with
/// <see cref="TryTakeCompletion"/>, so the service never blocks on the network. Everything is
/// driven by <see cref="Receive"/> (each frame) and <see cref="Tick"/> (now and then), with
/// the caller's monotonic nanoseconds. Bounded: at most <see cref="MaxPings"/> pings,
/// <see cref="MaxResolves"/> name lookups and <see cref="MaxDhcpWaiters"/> DHCP waits.
/// </summary>
public sealed partial class NetStack
{
    public const int MaxPings = 16;
    public const int MaxResolves = 8;
    public const int MaxDhcpWaiters = 8;
    public const ushort DhcpClientPort = 68, DhcpServerPort = 67;

    /// <summary>The longest wait a program may ask for.</summary>
    public const ulong MaxTimeoutNs = 60_000_000_000;

    private readonly byte[] _udp = new byte[EthernetHeader.MaximumFrame];
    private readonly byte[] _dhcpMessage = new byte[600];
    private readonly Queue<NetCompletion> _done = new();
    private readonly int[] _dhcpWaiters = new int[MaxDhcpWaiters];
    private readonly ulong[] _dhcpDeadline = new ulong[MaxDhcpWaiters];
    private ulong _now;

    /// <summary>Makes the stack for an interface with <paramref name="mac"/> sending through
    /// <paramref name="sink"/>; <paramref name="seed"/> (a clock reading) picks transaction
    /// ids, the ping identifier and the resolver's port.</summary>
    public NetStack(MacAddress mac, IFrameSink sink, ulong seed)
    {
        Interface = new IpInterface(mac, sink);
        Interface.Udp = OnUdp;
        Interface.EchoReplies = OnEchoReply;
        Tcp = new TcpLayer(Interface, TcpParameters, seed ^ 0x5DEECE66DUL);
        Interface.Tcp = Tcp.Receive;
        Dhcp = new DhcpClient(mac, seed ^ mac.Value);
        _pingIdentifier = (ushort)(seed >> 3);
        _resolverPort = (ushort)(49152 + ((seed >> 7) % 16000));
        _dnsId = (ushort)(seed >> 17);
    }

    public IpInterface Interface { get; }

    public DhcpClient Dhcp { get; }

    /// <summary>Takes UDP datagrams for ports other than DHCP's and the resolver's (the socket
    /// table); returns false when no socket holds the port.</summary>
    public UdpPortReceiver? UdpPortHandler { get; set; }

    /// <summary>TCP over the interface.</summary>
    public TcpLayer Tcp { get; }

    /// <summary>TCP's tunables.</summary>
    public TcpParameters TcpParameters { get; } = new();

    /// <summary>Name servers, from the lease or set by hand; empty when none is known.</summary>
    public Ipv4Address[] DnsServers { get; private set; } = [];

    /// <summary>True when the address came from DHCP (and renewals keep it).</summary>
    public bool UsesDhcp { get; private set; }

    /// <summary>Nanoseconds of the lease left, from the last ACK; 0 without one.</summary>
    public ulong LeaseLeftNs => UsesDhcp && Dhcp.Lease != null && _leaseEnds > _now ? _leaseEnds - _now : 0;

    private ulong _leaseEnds;

    /// <summary>Starts address discovery (again), dropping the address in use.</summary>
    public void StartDhcp(ulong now)
    {
        _now = now;
        UsesDhcp = true;
        _ = Interface.Configure(Ipv4Address.Any, 0, Ipv4Address.Any);
        DnsServers = [];
        int n = Dhcp.Start(now, _dhcpMessage);
        SendDhcp(n);
    }

    /// <summary>Sets the address by hand, ending DHCP. BadArgument for an address the
    /// interface refuses (see <see cref="IpInterface.Configure"/>).</summary>
    public NetStatus Configure(Ipv4Address address, int prefixLength, Ipv4Address gateway, Ipv4Address dns)
    {
        if (address == Ipv4Address.Any || !Interface.Configure(address, prefixLength, gateway))
        {
            return NetStatus.BadArgument;
        }

        UsesDhcp = false;
        DnsServers = dns == Ipv4Address.Any ? [] : [dns];
        return NetStatus.Ok;
    }

    /// <summary>Waits (token <paramref name="token"/>) until DHCP has an address or
    /// <paramref name="timeoutNs"/> passes; at once when it has one. Busy when too many wait.</summary>
    public NetStatus WaitForAddress(int token, ulong timeoutNs, ulong now)
    {
        if (timeoutNs == 0 || timeoutNs > MaxTimeoutNs)
        {
            return NetStatus.BadArgument;
        }

        if (Dhcp.State == DhcpState.Bound && Interface.Address != Ipv4Address.Any)
        {
            _done.Enqueue(new NetCompletion(token, NetStatus.Ok, Interface.Address.Value, 0));
            return NetStatus.Ok;
        }

        int free = Array.IndexOf(_dhcpWaiters, 0);
        if (free < 0)
        {
            return NetStatus.Busy;
        }

        _dhcpWaiters[free] = token;
        _dhcpDeadline[free] = now + timeoutNs;
        return NetStatus.Ok;
    }

    /// <summary>Handles one received frame.</summary>
    public void Receive(ReadOnlySpan<byte> frame, ulong now)
    {
        _now = now;
        Interface.Receive(frame, now);
    }

    /// <summary>Retries and timeouts: call every 100 ms or so, and after a burst of frames.</summary>
    public void Tick(ulong now)
    {
        _now = now;
        Interface.Tick(now);
        Tcp.Tick(now);
        if (UsesDhcp)
        {
            SendDhcp(Dhcp.Tick(now, _dhcpMessage));
            AfterDhcp();
        }

        ExpireDhcpWaiters(now);
        TickPings(now);
        TickResolves(now);
    }

    /// <summary>Takes the next finished operation; false when none is.</summary>
    public bool TryTakeCompletion(out NetCompletion completion) => _done.TryDequeue(out completion);

    /// <summary>Forgets every operation of <paramref name="token"/> (its caller went away).</summary>
    public void Cancel(int token)
    {
        for (int i = 0; i < MaxDhcpWaiters; i++)
        {
            _dhcpWaiters[i] = _dhcpWaiters[i] == token ? 0 : _dhcpWaiters[i];
        }

        CancelPings(token);
        CancelResolves(token);
    }

    /// <summary>Sends a UDP datagram from the interface's address. False when it was dropped.</summary>
    public bool SendUdp(Ipv4Address destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _udp.Length - UdpHeader.HeaderLength)
        {
            return false;
        }

        payload.CopyTo(_udp.AsSpan(UdpHeader.HeaderLength));
        int length = UdpHeader.Write(_udp, sourcePort, destinationPort, payload.Length, Interface.Address, destination);
        return Interface.SendIpv4(destination, IpProtocol.Udp, _udp.AsSpan(0, length), _now);
    }

    private void OnUdp(Ipv4Address source, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        if (destinationPort == DhcpClientPort && sourcePort == DhcpServerPort && UsesDhcp)
        {
            SendDhcp(Dhcp.Receive(payload, _now, _dhcpMessage));
            AfterDhcp();
        }
        else if (destinationPort == _resolverPort && sourcePort == DnsMessage.Port)
        {
            OnDnsAnswer(source, payload);
        }
        else
        {
            _ = UdpPortHandler?.Invoke(source, sourcePort, destinationPort, payload);
        }
    }

    private void SendDhcp(int length)
    {
        if (length > 0)
        {
            _ = SendUdp(Ipv4Address.Broadcast, DhcpClientPort, DhcpServerPort, _dhcpMessage.AsSpan(0, length));
        }
    }

    // A lease granted or renewed configures the interface; one lost or never had ends the
    // waits for it.
    private void AfterDhcp()
    {
        DhcpLease? lease = Dhcp.Lease;
        if (Dhcp.State == DhcpState.Bound && lease != null && Interface.Address != lease.Address)
        {
            if (Interface.Configure(lease.Address, lease.PrefixLength, lease.Router))
            {
                DnsServers = lease.DnsServers;
                _leaseEnds = _now + (lease.LeaseSeconds * 1_000_000_000UL);
                FinishDhcpWaiters(NetStatus.Ok, lease.Address.Value);
            }
        }
        else if (Dhcp.State == DhcpState.Bound && lease != null)
        {
            _leaseEnds = Math.Max(_leaseEnds, _now + (lease.LeaseSeconds * 1_000_000_000UL));
        }
        else if (lease == null && Interface.Address != Ipv4Address.Any)
        {
            // Refused (a NAK) or given up on: the address is no longer ours to use.
            _ = Interface.Configure(Ipv4Address.Any, 0, Ipv4Address.Any);
            DnsServers = [];
        }

        if (Dhcp.State == DhcpState.Failed)
        {
            FinishDhcpWaiters(NetStatus.TimedOut, 0);
        }
    }

    private void FinishDhcpWaiters(NetStatus status, ulong value)
    {
        for (int i = 0; i < MaxDhcpWaiters; i++)
        {
            if (_dhcpWaiters[i] != 0)
            {
                _done.Enqueue(new NetCompletion(_dhcpWaiters[i], status, value, 0));
                _dhcpWaiters[i] = 0;
            }
        }
    }

    private void ExpireDhcpWaiters(ulong now)
    {
        for (int i = 0; i < MaxDhcpWaiters; i++)
        {
            if (_dhcpWaiters[i] != 0 && now >= _dhcpDeadline[i])
            {
                _done.Enqueue(new NetCompletion(_dhcpWaiters[i], NetStatus.TimedOut, 0, 0));
                _dhcpWaiters[i] = 0;
            }
        }
    }
}
