namespace NexOS.Net;

/// <summary>The DNS resolver: an A query over UDP to the first name server; when no answer came
/// within <see cref="DnsRetryNs"/>, or the answer was truncated, the query goes again over TCP
/// (RFC 7766: a two-byte length before each message), and the UDP query is repeated every
/// <see cref="DnsRetryNs"/> meanwhile, until the caller's time is up. UDP answers are taken
/// only from the server asked, on the resolver's port, with the query's id.</summary>
public sealed partial class NetStack
{
    /// <summary>How long the resolver waits before it asks again.</summary>
    public const ulong DnsRetryNs = 1_000_000_000;

    private readonly ushort _resolverPort;
    private readonly Resolve[] _resolves = new Resolve[MaxResolves];
    private readonly byte[] _query = new byte[DnsMessage.MaxQuery];
    private readonly Ipv4Address[] _answers = new Ipv4Address[1];
    private ushort _dnsId;

    /// <summary>The longest answer taken over TCP.</summary>
    public const int MaxTcpAnswer = 8192;

    private struct Resolve
    {
        public int Token;
        public string Name;
        public Ipv4Address Server;
        public ushort Id;
        public ulong NextSend;
        public ulong Deadline;
        public TcpConnection? Tcp;
        public byte[]? TcpAnswer;
        public int TcpReceived;
    }

    /// <summary>Looks up <paramref name="name"/>'s address at <paramref name="server"/> (0.0.0.0:
    /// the first name server known); the completion of <paramref name="token"/> carries the
    /// address and its TTL in seconds. Refusals: BadArgument (a bad name or timeout),
    /// NotConfigured, NoServer, Busy.</summary>
    public NetStatus StartResolve(int token, string name, Ipv4Address server, ulong timeoutNs, ulong now)
    {
        _now = now;
        if (token == 0 || timeoutNs == 0 || timeoutNs > MaxTimeoutNs || DnsMessage.WriteQuery(_query, 0, name) < 0)
        {
            return NetStatus.BadArgument;
        }

        if (Interface.Address == Ipv4Address.Any)
        {
            return NetStatus.NotConfigured;
        }

        if (server == Ipv4Address.Any)
        {
            if (DnsServers.Length == 0)
            {
                return NetStatus.NoServer;
            }

            server = DnsServers[0];
        }

        int free = -1;
        for (int i = 0; i < MaxResolves && free < 0; i++)
        {
            free = _resolves[i].Token == 0 ? i : -1;
        }

        if (free < 0)
        {
            return NetStatus.Busy;
        }

        _resolves[free] = new Resolve { Token = token, Name = name, Server = server, Id = ++_dnsId, NextSend = now, Deadline = now + timeoutNs };
        SendQuery(ref _resolves[free], now);
        return NetStatus.Ok;
    }

    private void SendQuery(ref Resolve r, ulong now)
    {
        int length = DnsMessage.WriteQuery(_query, r.Id, r.Name);
        _ = SendUdp(r.Server, _resolverPort, DnsMessage.Port, _query.AsSpan(0, length));
        r.NextSend = now + DnsRetryNs;
    }

    // The query over TCP: a connection to the server's port 53, the query after its length.
    private void StartTcpQuery(ref Resolve r, ulong now)
    {
        r.Tcp = Tcp.Connect(r.Server, DnsMessage.Port, now, out _);
        if (r.Tcp == null)
        {
            return;
        }

        int length = DnsMessage.WriteQuery(_query.AsSpan(2), r.Id, r.Name);
        _query[0] = (byte)(length >> 8);
        _query[1] = (byte)length;
        _ = r.Tcp.Write(_query.AsSpan(0, length + 2), now);
        r.TcpAnswer = new byte[2 + MaxTcpAnswer];
    }

    // Reads what the TCP query brought; true when the lookup ended (a completion is queued).
    private bool PumpTcpQuery(ref Resolve r, ulong now)
    {
        TcpConnection c = r.Tcp!;
        int n;
        while (r.TcpReceived < r.TcpAnswer!.Length && (n = c.Read(r.TcpAnswer.AsSpan(r.TcpReceived), now)) > 0)
        {
            r.TcpReceived += n;
        }

        int wanted = r.TcpReceived >= 2 ? (r.TcpAnswer[0] << 8) | r.TcpAnswer[1] : -1;
        if (wanted > MaxTcpAnswer)
        {
            EndTcp(ref r, now);
            return false; // an answer too long to take: UDP may still bring one
        }

        if (wanted >= 0 && r.TcpReceived >= 2 + wanted)
        {
            DnsError error = DnsMessage.TryRead(r.TcpAnswer.AsSpan(2, wanted), r.Id, _answers, out int found, out uint ttl);
            EndTcp(ref r, now);
            if (error is DnsError.NotOurs or DnsError.Malformed)
            {
                return false;
            }

            Finish(ref r, error, found, ttl);
            return true;
        }

        if (c.State == TcpState.Closed || c.PeerClosed)
        {
            EndTcp(ref r, now);
        }

        return false;
    }

    private void EndTcp(ref Resolve r, ulong now)
    {
        if (r.Tcp != null)
        {
            r.Tcp.Close(now);
            Tcp.Release(r.Tcp, now, graceful: r.Tcp.Readable == 0);
        }

        r.Tcp = null;
    }

    private void Finish(ref Resolve r, DnsError error, int found, uint ttl)
    {
        NetStatus status = error switch
        {
            DnsError.None => found > 0 ? NetStatus.Ok : NetStatus.NotFound,
            DnsError.NoSuchName or DnsError.NoAddress => NetStatus.NotFound,
            _ => NetStatus.ServerFailed,
        };
        _done.Enqueue(new NetCompletion(r.Token, status, status == NetStatus.Ok ? _answers[0].Value : 0, status == NetStatus.Ok ? ttl : 0));
        EndTcp(ref r, _now);
        r = default;
    }

    private void OnDnsAnswer(Ipv4Address source, ReadOnlySpan<byte> payload)
    {
        for (int i = 0; i < MaxResolves; i++)
        {
            ref Resolve r = ref _resolves[i];
            if (r.Token == 0 || r.Server != source)
            {
                continue;
            }

            DnsError error = DnsMessage.TryRead(payload, r.Id, _answers, out int found, out uint ttl);
            // Another query's answer, or garbage: keep waiting (a forged datagram cannot end
            // the lookup by being unreadable).
            if (error == DnsError.NotOurs || error == DnsError.Malformed)
            {
                continue;
            }

            if (payload.Length > 2 && (payload[2] & 0x02) != 0 && r.Tcp == null)
            {
                StartTcpQuery(ref r, _now); // truncated: the whole answer comes over TCP
                return;
            }

            Finish(ref r, error, found, ttl);
            return;
        }
    }

    private void TickResolves(ulong now)
    {
        for (int i = 0; i < MaxResolves; i++)
        {
            ref Resolve r = ref _resolves[i];
            if (r.Token == 0)
            {
                continue;
            }

            if (r.Tcp != null && PumpTcpQuery(ref r, now))
            {
                continue;
            }

            if (now >= r.Deadline)
            {
                EndTcp(ref r, now);
                _done.Enqueue(new NetCompletion(r.Token, NetStatus.TimedOut, 0, 0));
                r = default;
            }
            else if (now >= r.NextSend)
            {
                if (r.Tcp == null && r.TcpAnswer == null)
                {
                    StartTcpQuery(ref r, now);
                }

                SendQuery(ref r, now);
            }
        }
    }

    private void CancelResolves(int token)
    {
        for (int i = 0; i < MaxResolves; i++)
        {
            if (_resolves[i].Token == token)
            {
                EndTcp(ref _resolves[i], _now);
                _resolves[i] = default;
            }
        }
    }
}
