namespace NexOS.Net;

/// <summary>A listening port: connections that completed their handshake wait in its queue
/// until the application accepts them.</summary>
public sealed class TcpListener
{
    private readonly Queue<TcpConnection> _ready = new();

    internal TcpListener(ushort port, int backlog)
    {
        Port = port;
        Backlog = backlog;
    }

    public ushort Port { get; }

    /// <summary>Connections at most in the queue and in their handshake together.</summary>
    public int Backlog { get; }

    /// <summary>Connections whose handshake is under way.</summary>
    public int HalfOpen { get; internal set; }

    /// <summary>Connections ready to be accepted.</summary>
    public int Ready => _ready.Count;

    /// <summary>Takes the next connection ready to be accepted; null when none is.</summary>
    public TcpConnection? Accept()
    {
        while (_ready.TryDequeue(out TcpConnection? c))
        {
            c.Listener = null;
            if (c.State != TcpState.Closed)
            {
                return c;
            }
        }

        return null;
    }

    internal void Established(TcpConnection c)
    {
        if (c.InHandshake)
        {
            c.InHandshake = false;
            HalfOpen = Math.Max(0, HalfOpen - 1);
        }

        _ready.Enqueue(c);
    }

    internal bool Full => _ready.Count + HalfOpen >= Backlog;
}

/// <summary>What the TCP layer has counted.</summary>
public sealed class TcpCounters
{
    public ulong SegmentsReceived;
    public ulong SegmentsSent;
    public ulong ResetsSent;
    public ulong DroppedMalformed;
    public ulong SynsDropped;
    public ulong ConnectionsOpened;
    public ulong ConnectionsAccepted;
}

/// <summary>
/// TCP over one <see cref="IpInterface"/>: the table of connections and listeners, the demux of
/// arriving segments, initial sequence numbers (RFC 6528: a clock plus a keyed hash of the
/// connection's addresses and ports), resets for segments nobody owns, and the limits that
/// keep a flood from using memory: at most <see cref="MaxConnections"/> connections (those in
/// TIME-WAIT give way to new ones), each listener at most its backlog in the handshake and
/// its queue together.
/// </summary>
public sealed class TcpLayer
{
    public const int MaxConnections = 256;
    public const int MaxListeners = 32;
    public const int MaxBacklog = 128;
    private const ushort FirstEphemeral = 49152;
    private const ulong OrphanNs = 60_000_000_000;

    private readonly IpInterface _ip;
    private readonly TcpParameters _parameters;
    private readonly List<TcpConnection> _connections = new();
    private readonly List<TcpListener> _listeners = new();
    private readonly byte[] _segment = new byte[TcpHeader.MinimumLength + 40 + TcpConnection.LocalMss];
    private readonly ulong _secret;
    private ushort _nextEphemeral;

    public TcpLayer(IpInterface ip, TcpParameters parameters, ulong seed)
    {
        _ip = ip;
        _parameters = parameters;
        _secret = Mix(seed ^ 0x9E3779B97F4A7C15UL);
        _nextEphemeral = (ushort)(FirstEphemeral + (seed % 16000));
    }

    public TcpCounters Counters { get; } = new();

    /// <summary>Every connection the table holds.</summary>
    public IReadOnlyList<TcpConnection> Connections => _connections;

    /// <summary>Listens on <paramref name="port"/>; null with AddressInUse when it is taken,
    /// BadArgument for port 0 or a backlog outside 1..<see cref="MaxBacklog"/>, Busy at
    /// <see cref="MaxListeners"/>.</summary>
    public TcpListener? Listen(ushort port, int backlog, out NetStatus status)
    {
        status = port == 0 || backlog < 1 || backlog > MaxBacklog ? NetStatus.BadArgument
            : _listeners.Exists(l => l.Port == port) ? NetStatus.AddressInUse
            : _listeners.Count >= MaxListeners ? NetStatus.Busy : NetStatus.Ok;
        if (status != NetStatus.Ok)
        {
            return null;
        }

        var listener = new TcpListener(port, backlog);
        _listeners.Add(listener);
        return listener;
    }

    /// <summary>Stops listening; connections still waiting in its queue are reset.</summary>
    public void Unlisten(TcpListener listener, ulong now)
    {
        _listeners.Remove(listener);
        while (listener.Accept() is { } c)
        {
            c.Abort(now);
        }
    }

    /// <summary>Opens a connection to <paramref name="remote"/>:<paramref name="port"/>; the
    /// SYN goes now. Null with NotConfigured, BadArgument or Busy.</summary>
    public TcpConnection? Connect(Ipv4Address remote, ushort port, ulong now, out NetStatus status)
    {
        status = _ip.Address == Ipv4Address.Any ? NetStatus.NotConfigured
            : port == 0 || remote == Ipv4Address.Any || remote == Ipv4Address.Broadcast || remote.IsMulticast ? NetStatus.BadArgument
            : !MakeRoom() ? NetStatus.Busy : NetStatus.Ok;
        if (status != NetStatus.Ok)
        {
            return null;
        }

        ushort local = EphemeralPort(remote, port);
        var c = new TcpConnection(this, _ip.Address, local, remote, port, Isn(_ip.Address, local, remote, port, now), _parameters, now);
        _connections.Add(c);
        Counters.ConnectionsOpened++;
        c.Open(now);
        return c;
    }

    /// <summary>Forgets a connection the application is done with: one still open is reset,
    /// or with <paramref name="graceful"/> left to finish its close (its FIN sent after its
    /// data), after which the layer drops it.</summary>
    public void Release(TcpConnection c, ulong now, bool graceful = false)
    {
        if (!graceful && c.State != TcpState.Closed && c.State != TcpState.TimeWait)
        {
            c.Abort(now);
        }

        if (c.State == TcpState.Closed)
        {
            _connections.Remove(c);
        }
        else
        {
            c.Released = true;
            c.ReleasedAt = now;
        }
    }

    /// <summary>Handles a TCP segment that arrived for this host.</summary>
    public void Receive(Ipv4Header ip, ReadOnlySpan<byte> body, ulong now)
    {
        if (TcpHeader.TryRead(body, ip.Source, ip.Destination, out TcpHeader h, out ReadOnlySpan<byte> data) != TcpError.None
            || ip.Destination != _ip.Address)
        {
            Counters.DroppedMalformed++;
            return;
        }

        Counters.SegmentsReceived++;
        TcpConnection? c = Find(ip.Source, h.SourcePort, h.DestinationPort);
        if (c != null && c.State == TcpState.TimeWait && h.Flags == TcpFlags.Syn && h.Sequence > c.ReceiveNext
            && _listeners.Exists(l => l.Port == h.DestinationPort))
        {
            // RFC 9293 3.10.7.4: a new SYN above what the old connection received may reopen
            // the pair from TIME-WAIT (a client reusing its port, as NAT and slirp do quickly).
            _connections.Remove(c);
            c = null;
        }

        if (c != null)
        {
            c.Receive(in h, data, now);
            return;
        }

        TcpListener? listener = _listeners.Find(l => l.Port == h.DestinationPort);
        if (listener != null && h.Flags == TcpFlags.Syn)
        {
            if (listener.Full || !MakeRoom())
            {
                Counters.SynsDropped++;
                return;
            }

            var accepted = new TcpConnection(this, _ip.Address, h.DestinationPort, ip.Source, h.SourcePort, Isn(_ip.Address, h.DestinationPort, ip.Source, h.SourcePort, now), _parameters, now)
            {
                Listener = listener,
                InHandshake = true,
            };
            listener.HalfOpen++;
            _connections.Add(accepted);
            Counters.ConnectionsAccepted++;
            accepted.Accept(in h, now);
            return;
        }

        if (!h.Has(TcpFlags.Rst))
        {
            ResetFor(ip, in h, data.Length, now);
        }
    }

    /// <summary>Runs every connection's timers and drops the closed ones nobody holds.</summary>
    public void Tick(ulong now)
    {
        for (int i = _connections.Count - 1; i >= 0; i--)
        {
            TcpConnection c = _connections[i];
            c.Tick(now);
            if (c.Released && c.State != TcpState.Closed && c.State != TcpState.TimeWait && now - c.ReleasedAt > OrphanNs)
            {
                // Nobody holds it and the peer never finished closing: it goes (Linux's
                // tcp_fin_timeout).
                c.Abort(now);
            }

            if (c.State == TcpState.Closed && (c.Released || c.Listener != null))
            {
                if (c.Listener != null && c.InHandshake)
                {
                    c.InHandshake = false;
                    c.Listener.HalfOpen = Math.Max(0, c.Listener.HalfOpen - 1);
                }

                _connections.RemoveAt(i);
            }
        }
    }

    /// <summary>Writes and sends one segment of <paramref name="c"/>: its ports and addresses,
    /// <paramref name="seq"/>, the ACK of what it received, its window, and
    /// <paramref name="length"/> bytes of its send buffer from <paramref name="dataOffset"/>.</summary>
    internal void Send(TcpConnection c, SeqNum seq, TcpOptions options, TcpFlags flags, int dataOffset, int length, ulong now)
    {
        int header = TcpHeader.MinimumLength + options.Length;
        length = c.CopySendData(dataOffset, _segment.AsSpan(header, Math.Max(0, length)));
        bool syn = (flags & TcpFlags.Syn) != 0;
        uint window = syn ? Math.Min(c.AdvertisedWindow, ushort.MaxValue) : Math.Min(c.AdvertisedWindow >> c.ReceiveScale, ushort.MaxValue);
        SeqNum ack = (flags & TcpFlags.Ack) != 0 ? c.ReceiveNext : default;
        var h = new TcpHeader(c.LocalPort, c.RemotePort, seq, ack, flags, (ushort)window, header, options);
        int total = h.Write(_segment, length, c.LocalAddress, c.RemoteAddress);
        Counters.SegmentsSent++;
        Counters.ResetsSent += (flags & TcpFlags.Rst) != 0 ? 1UL : 0;
        _ = _ip.SendIpv4(c.RemoteAddress, IpProtocol.Tcp, _segment.AsSpan(0, total), now);
    }

    private TcpConnection? Find(Ipv4Address remote, ushort remotePort, ushort localPort)
    {
        foreach (TcpConnection c in _connections)
        {
            if (c.LocalPort == localPort && c.RemotePort == remotePort && c.RemoteAddress == remote && c.State != TcpState.Closed)
            {
                return c;
            }
        }

        return null;
    }

    // RFC 9293: a segment for no connection gets a reset that the sender will accept.
    private void ResetFor(Ipv4Header ip, in TcpHeader h, int dataLength, ulong now)
    {
        SeqNum seq = h.Has(TcpFlags.Ack) ? h.Acknowledgment : default;
        TcpFlags flags = TcpFlags.Rst | (h.Has(TcpFlags.Ack) ? 0 : TcpFlags.Ack);
        uint consumed = (uint)dataLength + (h.Has(TcpFlags.Syn) ? 1u : 0) + (h.Has(TcpFlags.Fin) ? 1u : 0);
        var reset = new TcpHeader(h.DestinationPort, h.SourcePort, seq, h.Sequence + consumed, flags, 0, TcpHeader.MinimumLength, default);
        int total = reset.Write(_segment, 0, _ip.Address, ip.Source);
        Counters.SegmentsSent++;
        Counters.ResetsSent++;
        _ = _ip.SendIpv4(ip.Source, IpProtocol.Tcp, _segment.AsSpan(0, total), now);
    }

    // Room for one more connection: closed ones nobody holds go first, then the oldest in
    // TIME-WAIT.
    private bool MakeRoom()
    {
        if (_connections.Count < MaxConnections)
        {
            return true;
        }

        int victim = _connections.FindIndex(c => c.State == TcpState.Closed && c.Released);
        victim = victim >= 0 ? victim : _connections.FindIndex(c => c.State == TcpState.TimeWait);
        if (victim < 0)
        {
            return false;
        }

        _connections.RemoveAt(victim);
        return true;
    }

    private ushort EphemeralPort(Ipv4Address remote, ushort port)
    {
        for (int i = 0; i < 16384; i++)
        {
            ushort candidate = _nextEphemeral;
            _nextEphemeral = _nextEphemeral == ushort.MaxValue ? FirstEphemeral : (ushort)(_nextEphemeral + 1);
            if (Find(remote, port, candidate) == null && !_listeners.Exists(l => l.Port == candidate))
            {
                return candidate;
            }
        }

        return _nextEphemeral;
    }

    // RFC 6528: a 4-microsecond clock plus a keyed hash of the connection's identity.
    private SeqNum Isn(Ipv4Address local, ushort localPort, Ipv4Address remote, ushort remotePort, ulong now)
    {
        ulong identity = ((ulong)local.Value << 32) ^ remote.Value ^ ((ulong)localPort << 16) ^ ((ulong)remotePort << 48);
        return new SeqNum((uint)((now / 4000) + Mix(identity ^ _secret)));
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }
}
