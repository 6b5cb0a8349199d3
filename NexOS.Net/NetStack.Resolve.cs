namespace NexOS.Net;

/// <summary>The DNS resolver: A queries over UDP to the first name server, sent again every
/// <see cref="DnsRetryNs"/> until the caller's time is up. Answers are taken only from the
/// server asked, on the resolver's port, with the query's id.</summary>
public sealed partial class NetStack
{
    /// <summary>How long the resolver waits before it asks again.</summary>
    public const ulong DnsRetryNs = 1_000_000_000;

    private readonly ushort _resolverPort;
    private readonly Resolve[] _resolves = new Resolve[MaxResolves];
    private readonly byte[] _query = new byte[DnsMessage.MaxQuery];
    private readonly Ipv4Address[] _answers = new Ipv4Address[1];
    private ushort _dnsId;

    private struct Resolve
    {
        public int Token;
        public string Name;
        public Ipv4Address Server;
        public ushort Id;
        public ulong NextSend;
        public ulong Deadline;
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

            NetStatus status = error switch
            {
                DnsError.None => found > 0 ? NetStatus.Ok : NetStatus.NotFound,
                DnsError.NoSuchName or DnsError.NoAddress => NetStatus.NotFound,
                _ => NetStatus.ServerFailed,
            };
            _done.Enqueue(new NetCompletion(r.Token, status, status == NetStatus.Ok ? _answers[0].Value : 0, status == NetStatus.Ok ? ttl : 0));
            r = default;
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

            if (now >= r.Deadline)
            {
                _done.Enqueue(new NetCompletion(r.Token, NetStatus.TimedOut, 0, 0));
                r = default;
            }
            else if (now >= r.NextSend)
            {
                SendQuery(ref r, now);
            }
        }
    }

    private void CancelResolves(int token)
    {
        for (int i = 0; i < MaxResolves; i++)
        {
            _resolves[i] = _resolves[i].Token == token ? default : _resolves[i];
        }
    }
}
