using NexOS.Net;

namespace NexOS.Tests.Net;

/// <summary>
/// Two hosts on one simulated Ethernet (10.0.0.1 and 10.0.0.2), each an
/// <see cref="IpInterface"/> with a <see cref="TcpLayer"/>, and a wire between them with a
/// one-way latency and knobs that lose, duplicate, reorder or damage frames, all driven by a
/// simulated clock and a seeded random source: every run of a test is the same run.
/// </summary>
internal sealed class TcpWire
{
    public const ulong Ms = 1_000_000;

    private readonly List<(ulong At, int To, byte[] Frame)> _flight = new();
    private readonly Random _random;

    public TcpWire(int seed = 1, TcpParameters? parameters = null)
    {
        _random = new Random(seed);
        A = new Host(this, 0, new MacAddress(0x0200_0000_0001), new Ipv4Address(0x0A000001), parameters ?? new TcpParameters());
        B = new Host(this, 1, new MacAddress(0x0200_0000_0002), new Ipv4Address(0x0A000002), parameters ?? new TcpParameters());
    }

    public Host A { get; }

    public Host B { get; }

    public ulong Now { get; private set; } = 1_000_000_000;

    public ulong LatencyNs { get; set; } = 1 * Ms;

    public double Loss { get; set; }

    public double Duplicate { get; set; }

    public double Reorder { get; set; }

    /// <summary>Frames from A to B go nowhere while set (B vanished).</summary>
    public bool CutAToB { get; set; }

    /// <summary>Sees (and may change or drop, returning null) every frame on the wire.</summary>
    public Func<int, byte[], byte[]?>? Tap { get; set; }

    public int Delivered { get; private set; }

    /// <summary>Runs the clock forward by <paramref name="ns"/> in steps of a millisecond,
    /// delivering frames as they arrive and ticking both hosts every 10 ms.</summary>
    public void Run(ulong ns) => RunUntil(() => false, ns);

    /// <summary>Runs until <paramref name="done"/> holds or <paramref name="limitNs"/> passes;
    /// true when it held.</summary>
    public bool RunUntil(Func<bool> done, ulong limitNs)
    {
        ulong end = Now + limitNs;
        while (Now < end)
        {
            if (done())
            {
                return true;
            }

            Now += Ms;
            for (int i = 0; i < _flight.Count; i++)
            {
                if (_flight[i].At <= Now)
                {
                    (ulong _, int to, byte[] frame) = _flight[i];
                    _flight.RemoveAt(i--);
                    Delivered++;
                    (to == 0 ? A : B).Ip.Receive(frame, Now);
                }
            }

            if (Now / Ms % 10 == 0)
            {
                A.Tcp.Tick(Now);
                B.Tcp.Tick(Now);
                A.Ip.Tick(Now);
                B.Ip.Tick(Now);
            }
        }

        return done();
    }

    private void Carry(int from, ReadOnlySpan<byte> frame)
    {
        int to = 1 - from;
        if ((from == 0 && CutAToB) || _random.NextDouble() < Loss)
        {
            return;
        }

        byte[]? copy = Tap != null ? Tap(from, frame.ToArray()) : frame.ToArray();
        if (copy == null)
        {
            return;
        }

        ulong at = Now + LatencyNs + (_random.NextDouble() < Reorder ? (ulong)_random.Next(1, 5) * Ms : 0);
        _flight.Add((at, to, copy));
        if (_random.NextDouble() < Duplicate)
        {
            _flight.Add((at + Ms, to, (byte[])copy.Clone()));
        }
    }

    internal sealed class Host : IFrameSink
    {
        private readonly TcpWire _wire;
        private readonly int _index;

        public Host(TcpWire wire, int index, MacAddress mac, Ipv4Address address, TcpParameters parameters)
        {
            _wire = wire;
            _index = index;
            Ip = new IpInterface(mac, this);
            Ip.Configure(address, 24, Ipv4Address.Any);
            Tcp = new TcpLayer(Ip, parameters, (ulong)(index + 7) * 7919);
            Ip.Tcp = Tcp.Receive;
        }

        public IpInterface Ip { get; }

        public TcpLayer Tcp { get; }

        public Ipv4Address Address => Ip.Address;

        public void Send(ReadOnlySpan<byte> frame) => _wire.Carry(_index, frame);
    }
}
