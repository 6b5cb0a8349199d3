namespace NexOS.Net;

/// <summary>What a socket is.</summary>
public enum SocketKind
{
    Listener,
    Tcp,
    Udp,
}

/// <summary>One program's socket: its owner (the badge its calls come with), its id, and the
/// TCP listener, TCP connection or UDP port behind it.</summary>
public sealed class NetSocket
{
    /// <summary>The most datagrams a UDP socket holds unread; more are dropped.</summary>
    public const int MaxQueuedDatagrams = 32;

    private readonly Queue<(Ipv4Address From, ushort Port, byte[] Data)> _datagrams = new();

    internal NetSocket(int id, ulong owner, SocketKind kind)
    {
        Id = id;
        Owner = owner;
        Kind = kind;
    }

    public int Id { get; }

    public ulong Owner { get; }

    public SocketKind Kind { get; }

    public TcpListener? Listener { get; internal set; }

    public TcpConnection? Connection { get; internal set; }

    public ushort UdpPort { get; internal set; }

    /// <summary>Datagrams dropped because the queue was full.</summary>
    public ulong DatagramsDropped { get; private set; }

    public int QueuedDatagrams => _datagrams.Count;

    internal void Queue(Ipv4Address from, ushort port, ReadOnlySpan<byte> data)
    {
        if (_datagrams.Count >= MaxQueuedDatagrams)
        {
            DatagramsDropped++;
            return;
        }

        _datagrams.Enqueue((from, port, data.ToArray()));
    }

    /// <summary>Takes the oldest datagram; false when none waits.</summary>
    public bool TryTakeDatagram(out Ipv4Address from, out ushort port, out byte[] data)
    {
        bool any = _datagrams.TryDequeue(out (Ipv4Address From, ushort Port, byte[] Data) d);
        (from, port, data) = any ? d : (default, (ushort)0, []);
        return any;
    }
}

/// <summary>What a program waits for on a socket.</summary>
public enum SocketWaitKind
{
    Accept,
    Connect,
    Send,
    Receive,
    ReceiveFrom,
}

/// <summary>A wait that can be answered now: its token, what it waited for, the socket, and
/// Ok (ready) or why it cannot be (TimedOut, NotConnected, Refused, Reset).</summary>
public readonly record struct SocketReady(int Token, SocketWaitKind Kind, int Socket, ulong Owner, NetStatus Status);

/// <summary>
/// The sockets programs hold in the network service, and the calls that wait on them. A
/// socket belongs to the badge that opened it, and only that badge can use it; at most
/// <see cref="MaxPerOwner"/> per owner and <see cref="MaxSockets"/> in all, and at most
/// <see cref="MaxWaits"/> waiting calls. <see cref="Poll"/> says which waits can be answered,
/// so the service answers each as soon as its socket is ready, or its time is up.
/// </summary>
public sealed class SocketTable
{
    public const int MaxSockets = 256;
    public const int MaxPerOwner = 64;
    public const int MaxWaits = 128;

    private readonly NetStack _stack;
    private readonly Dictionary<int, NetSocket> _sockets = new();
    private readonly List<(int Token, SocketWaitKind Kind, int Socket, ulong Owner, ulong Deadline)> _waits = new();
    private int _nextId = 1;

    public SocketTable(NetStack stack)
    {
        _stack = stack;
        _stack.UdpPortHandler = DeliverUdp;
    }

    public int Count => _sockets.Count;

    public IEnumerable<NetSocket> All => _sockets.Values;

    /// <summary>The socket <paramref name="id"/> if <paramref name="owner"/> holds it.</summary>
    public NetSocket? Get(ulong owner, ulong id) =>
        id <= int.MaxValue && _sockets.TryGetValue((int)id, out NetSocket? s) && s.Owner == owner ? s : null;

    public NetSocket? Listen(ulong owner, ushort port, int backlog, out NetStatus status)
    {
        if (!Room(owner, out status))
        {
            return null;
        }

        TcpListener? listener = _stack.Tcp.Listen(port, backlog, out status);
        return listener == null ? null : Add(new NetSocket(_nextId, owner, SocketKind.Listener) { Listener = listener });
    }

    public NetSocket? Connect(ulong owner, Ipv4Address address, ushort port, ulong now, out NetStatus status)
    {
        if (!Room(owner, out status))
        {
            return null;
        }

        TcpConnection? c = _stack.Tcp.Connect(address, port, now, out status);
        return c == null ? null : Add(new NetSocket(_nextId, owner, SocketKind.Tcp) { Connection = c });
    }

    /// <summary>Takes the next connection of a listener as a new socket of the same owner;
    /// null with WouldBlock-like NotConnected when none is ready, Busy when the owner is full.</summary>
    public NetSocket? Accept(NetSocket listener, out NetStatus status)
    {
        if (!Room(listener.Owner, out status))
        {
            return null;
        }

        TcpConnection? c = listener.Listener?.Accept();
        status = c == null ? NetStatus.NotConnected : NetStatus.Ok;
        return c == null ? null : Add(new NetSocket(_nextId, listener.Owner, SocketKind.Tcp) { Connection = c });
    }

    public NetSocket? OpenUdp(ulong owner, ushort port, out NetStatus status)
    {
        if (!Room(owner, out status))
        {
            return null;
        }

        if (port == 0)
        {
            for (int i = 0; i < 16384 && (port == 0 || UdpPortTaken(port)); i++)
            {
                port = (ushort)(49152 + ((_nextId * 7919) + i) % 16384);
            }
        }

        if (UdpPortTaken(port) || port == NetStack.DhcpClientPort)
        {
            status = NetStatus.AddressInUse;
            return null;
        }

        return Add(new NetSocket(_nextId, owner, SocketKind.Udp) { UdpPort = port });
    }

    /// <summary>Closes a socket: a connection sends its FIN after its data (and is reset if
    /// it is still open when the layer needs the room), a listener stops, waits on it end.</summary>
    public void Close(NetSocket socket, ulong now)
    {
        _sockets.Remove(socket.Id);
        if (socket.Connection != null)
        {
            // Data left unread means the exchange did not end as the peer thinks: a reset
            // says so (as Linux does); otherwise the FIN follows what was written.
            bool unread = socket.Connection.Readable > 0;
            socket.Connection.Close(now);
            _stack.Tcp.Release(socket.Connection, now, graceful: !unread);
        }

        if (socket.Listener != null)
        {
            _stack.Tcp.Unlisten(socket.Listener, now);
        }
    }

    /// <summary>Closes every socket of <paramref name="owner"/> (its program ended).</summary>
    public int Forget(ulong owner, ulong now)
    {
        var mine = new List<NetSocket>();
        foreach (NetSocket s in _sockets.Values)
        {
            if (s.Owner == owner)
            {
                mine.Add(s);
            }
        }

        foreach (NetSocket s in mine)
        {
            Close(s, now);
        }

        return mine.Count;
    }

    /// <summary>Records a call waiting on <paramref name="socket"/> until it is ready or
    /// <paramref name="deadline"/> (0: no limit); Busy when too many wait.</summary>
    public NetStatus Wait(int token, SocketWaitKind kind, NetSocket socket, ulong deadline)
    {
        if (_waits.Count >= MaxWaits)
        {
            return NetStatus.Busy;
        }

        _waits.Add((token, kind, socket.Id, socket.Owner, deadline));
        return NetStatus.Ok;
    }

    /// <summary>Takes the waits that can be answered now into <paramref name="ready"/>.</summary>
    public void Poll(ulong now, List<SocketReady> ready)
    {
        for (int i = 0; i < _waits.Count; i++)
        {
            (int token, SocketWaitKind kind, int id, ulong owner, ulong deadline) = _waits[i];
            NetStatus status = _sockets.TryGetValue(id, out NetSocket? s) ? Readiness(kind, s) : NetStatus.NotConnected;
            if (status == NetStatus.Busy)
            {
                if (deadline == 0 || now < deadline)
                {
                    continue;
                }

                status = NetStatus.TimedOut;
            }

            ready.Add(new SocketReady(token, kind, id, owner, status));
            _waits.RemoveAt(i--);
        }
    }

    /// <summary>Ok when a call of <paramref name="kind"/> on the socket can be answered now, an
    /// error when it never will, Busy while it must wait.</summary>
    public static NetStatus Readiness(SocketWaitKind kind, NetSocket s)
    {
        TcpConnection? c = s.Connection;
        switch (kind)
        {
            case SocketWaitKind.Accept:
                return s.Listener == null ? NetStatus.BadArgument : s.Listener.Ready > 0 ? NetStatus.Ok : NetStatus.Busy;
            case SocketWaitKind.ReceiveFrom:
                return s.Kind != SocketKind.Udp ? NetStatus.BadArgument : s.QueuedDatagrams > 0 ? NetStatus.Ok : NetStatus.Busy;
            case SocketWaitKind.Connect:
                return c == null ? NetStatus.BadArgument
                    : c.State is TcpState.SynSent or TcpState.SynReceived ? NetStatus.Busy
                    : c.State == TcpState.Closed ? Failed(c) : NetStatus.Ok;
            case SocketWaitKind.Send:
                return c == null ? NetStatus.BadArgument
                    : c.State is TcpState.SynSent or TcpState.SynReceived ? NetStatus.Busy
                    : !c.CanWrite ? (c.State == TcpState.Closed ? Failed(c) : NetStatus.NotConnected)
                    : c.Writable > 0 ? NetStatus.Ok : NetStatus.Busy;
            default:
                return c == null ? NetStatus.BadArgument
                    : c.Readable > 0 || c.PeerClosed ? NetStatus.Ok
                    : c.State == TcpState.Closed ? (c.Error == NetStatus.Ok ? NetStatus.Ok : c.Error) : NetStatus.Busy;
        }
    }

    /// <summary>True when <paramref name="s"/> is ready for what <paramref name="interest"/>
    /// asks (bit 0 readable, bit 1 writable), or has ended, so the next call returns at once.</summary>
    public static bool PollReady(NetSocket s, uint interest)
    {
        bool readable = (interest & 1) != 0 && (s.Kind switch
        {
            SocketKind.Listener => Readiness(SocketWaitKind.Accept, s) != NetStatus.Busy,
            SocketKind.Udp => Readiness(SocketWaitKind.ReceiveFrom, s) != NetStatus.Busy,
            _ => Readiness(SocketWaitKind.Receive, s) != NetStatus.Busy,
        });
        bool writable = (interest & 2) != 0 && (s.Kind == SocketKind.Udp || (s.Kind == SocketKind.Tcp && Readiness(SocketWaitKind.Send, s) != NetStatus.Busy));
        return readable || writable;
    }

    private static NetStatus Failed(TcpConnection c) => c.Error == NetStatus.Ok ? NetStatus.NotConnected : c.Error;

    private bool Room(ulong owner, out NetStatus status)
    {
        int mine = 0;
        foreach (NetSocket s in _sockets.Values)
        {
            mine += s.Owner == owner ? 1 : 0;
        }

        status = _sockets.Count >= MaxSockets || mine >= MaxPerOwner ? NetStatus.Busy : NetStatus.Ok;
        return status == NetStatus.Ok;
    }

    private NetSocket Add(NetSocket socket)
    {
        _sockets[socket.Id] = socket;
        _nextId = _nextId == int.MaxValue ? 1 : _nextId + 1;
        while (_sockets.ContainsKey(_nextId))
        {
            _nextId++;
        }

        return socket;
    }

    private bool UdpPortTaken(ushort port)
    {
        foreach (NetSocket s in _sockets.Values)
        {
            if (s.Kind == SocketKind.Udp && s.UdpPort == port)
            {
                return true;
            }
        }

        return false;
    }

    // A datagram for a port a UDP socket holds; false when none does.
    private bool DeliverUdp(Ipv4Address source, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        foreach (NetSocket s in _sockets.Values)
        {
            if (s.Kind == SocketKind.Udp && s.UdpPort == destinationPort)
            {
                s.Queue(source, sourcePort, payload);
                return true;
            }
        }

        return false;
    }
}
