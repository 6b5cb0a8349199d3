namespace NexOS.Net;

/// <summary>The states of RFC 9293, 3.3.2.</summary>
public enum TcpState
{
    Closed,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

/// <summary>
/// One TCP connection (RFC 9293): the state machine, a send buffer of data written and not yet
/// acknowledged, a receive buffer of data in order and not yet read with out-of-order segments
/// placed ahead of it, retransmission with RTT estimation (RFC 6298) and Karn's rule, flow
/// control with window scaling (RFC 7323), NewReno congestion control (RFC 5681, RFC 6582),
/// zero-window probes, keep-alive, and the RFC 5961 defences against blind resets and SYNs.
/// The <see cref="TcpLayer"/> owns it: it hands in segments and ticks, and writes what the
/// connection sends. Nothing allocates after the connection is made.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>The segment size this stack offers: a 1500-byte MTU less IPv4 and TCP headers.</summary>
    public const int LocalMss = 1460;

    /// <summary>The segment size assumed when the peer sends none (RFC 9293).</summary>
    public const int DefaultMss = 536;

    /// <summary>At most this many out-of-order ranges wait; later ones are dropped (and sent again).</summary>
    public const int MaxOutOfOrder = 16;

    private const ulong InitialRtoNs = 1_000_000_000, MaxRtoNs = 60_000_000_000;
    private const ulong TimeWaitNs = 30_000_000_000, KeepAliveIntervalNs = 10_000_000_000;
    private const int KeepAliveProbes = 5;

    private readonly TcpLayer _layer;
    private readonly ByteRing _send;
    private readonly ByteRing _receive;
    private readonly SeqNum[] _oooStart = new SeqNum[MaxOutOfOrder];
    private readonly SeqNum[] _oooEnd = new SeqNum[MaxOutOfOrder];
    private int _oooCount;

    internal TcpConnection(TcpLayer layer, Ipv4Address local, ushort localPort, Ipv4Address remote, ushort remotePort, SeqNum iss, TcpParameters parameters, ulong now)
    {
        _layer = layer;
        LocalAddress = local;
        LocalPort = localPort;
        RemoteAddress = remote;
        RemotePort = remotePort;
        _send = new ByteRing(parameters[TcpParameters.SendBuffer]);
        _receive = new ByteRing(parameters[TcpParameters.ReceiveBuffer]);
        _initialWindow = parameters[TcpParameters.InitialWindow];
        _delayedAckNs = (ulong)parameters[TcpParameters.DelayedAck] * 1_000_000;
        _minRtoNs = (ulong)parameters[TcpParameters.MinimumRto] * 1_000_000;
        _maxRetries = parameters[TcpParameters.MaximumRetries];
        _keepIdleNs = (ulong)parameters[TcpParameters.KeepAliveIdle] * 1_000_000_000;
        _iss = iss;
        _sndUna = iss;
        _sndNxt = iss;
        _sndMax = iss;
        _sendBase = iss + 1;
        _rto = InitialRtoNs;
        _rcvScale = 0;
        while (_rcvScale < TcpOptions.MaxWindowScale && (_receive.Capacity >> _rcvScale) > ushort.MaxValue)
        {
            _rcvScale++;
        }

        _lastHeard = now;
    }

    public Ipv4Address LocalAddress { get; }

    public ushort LocalPort { get; }

    public Ipv4Address RemoteAddress { get; }

    public ushort RemotePort { get; }

    public TcpState State { get; private set; }

    /// <summary>Why the connection ended without a clean close: Refused (a reset answered the
    /// SYN), Reset (the peer reset it), TimedOut (retransmissions or keep-alives unanswered);
    /// Ok otherwise.</summary>
    public NetStatus Error { get; private set; }

    /// <summary>Sends keep-alive probes after <see cref="TcpParameters.KeepAliveIdle"/> of silence.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Bytes in order waiting for <see cref="Read"/>.</summary>
    public int Readable => _receive.Count;

    /// <summary>Room for <see cref="Write"/>.</summary>
    public int Writable => CanWrite ? _send.Free : 0;

    /// <summary>True when the peer closed its side and every byte before its FIN was read.</summary>
    public bool PeerClosed => _finReceived && _receive.Count == 0;

    /// <summary>True while the connection can carry data the application writes.</summary>
    public bool CanWrite => !_closeRequested && (State == TcpState.Established || State == TcpState.CloseWait || State == TcpState.SynSent || State == TcpState.SynReceived);

    /// <summary>The congestion window and slow-start threshold (diagnostics).</summary>
    public (uint Cwnd, uint Ssthresh, ulong RtoNs, long SrttNs) Congestion => (_cwnd, _ssthresh, _rto, _srtt);

    /// <summary>The window scales in use (0 and 0 when the peer did not offer scaling) and the
    /// segment size this side sends.</summary>
    public (int Send, int Receive, int Mss) Negotiated => (_sndScale, ReceiveScale, _mss);

    /// <summary>Segments sent again (retransmissions and fast retransmissions).</summary>
    public int Retransmissions { get; private set; }

    /// <summary>True while a listener counts it as half-open.</summary>
    internal bool InHandshake { get; set; }

    /// <summary>True once the application let go of it (it stays only to finish closing).</summary>
    internal bool Released { get; set; }

    /// <summary>When the application let go of it.</summary>
    internal ulong ReleasedAt { get; set; }

    /// <summary>The listener that accepted this connection while it waits in its queue.</summary>
    internal TcpListener? Listener { get; set; }

    /// <summary>Copies in as much of <paramref name="data"/> as the send buffer takes and sends
    /// what the windows allow; returns how much was taken (0 when it is full or the connection
    /// can no longer send).</summary>
    public int Write(ReadOnlySpan<byte> data, ulong now)
    {
        if (!CanWrite)
        {
            return 0;
        }

        int n = _send.Write(data);
        if (n > 0 && State != TcpState.SynSent && State != TcpState.SynReceived)
        {
            Output(now);
        }

        return n;
    }

    /// <summary>Moves received bytes out; returns how many. Opening the window by enough sends
    /// a window update.</summary>
    public int Read(Span<byte> destination, ulong now)
    {
        uint before = AdvertisedWindow;
        int n = _receive.Read(destination);
        if (n > 0 && State != TcpState.Closed && (before < (uint)(2 * _mss) || AdvertisedWindow - before >= (uint)(2 * _mss)) && AdvertisedWindow > before)
        {
            _ackNow = true;
            Output(now);
        }

        return n;
    }

    /// <summary>Closes the sending side: a FIN follows the data already written.</summary>
    public void Close(ulong now)
    {
        if (_closeRequested || State == TcpState.Closed || State == TcpState.TimeWait)
        {
            return;
        }

        _closeRequested = true;
        if (State == TcpState.SynSent)
        {
            Enter(TcpState.Closed);
            return;
        }

        Output(now);
    }

    /// <summary>Aborts: a reset goes to the peer (in a synchronised state) and the connection
    /// is closed at once, its buffers dropped.</summary>
    public void Abort(ulong now)
    {
        if (State is TcpState.SynReceived or TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 or TcpState.CloseWait)
        {
            _layer.Send(this, _sndNxt, default, TcpFlags.Rst | TcpFlags.Ack, 0, 0, now);
        }

        Enter(TcpState.Closed);
    }

    /// <summary>The window this side advertises, in bytes (before scaling).</summary>
    internal uint AdvertisedWindow => (uint)_receive.Free;

    /// <summary>The next sequence number this side expects from the peer.</summary>
    public SeqNum ReceiveNext => _rcvNxt;

    internal int ReceiveScale => _windowScaleOk ? _rcvScale : 0;

    private void Enter(TcpState state)
    {
        State = state;
        if (state == TcpState.Closed)
        {
            _rtxAt = _delayedAckAt = _timeWaitAt = 0;
        }
    }

    private void Fail(NetStatus error)
    {
        Error = error;
        Enter(TcpState.Closed);
    }
}
