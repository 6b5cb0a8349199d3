using NexOS.Net;

namespace NexOS.Tests.Net;

/// <summary>TCP between two simulated hosts: handshakes, transfers under loss, duplication and
/// reordering, flow control, closing, resets, timeouts, and the floods and forgeries a stack
/// on a network meets.</summary>
[TestFixture]
public sealed class TcpConnectionTests
{
    private const ulong Ms = TcpWire.Ms, Second = 1000 * Ms;

    private static (TcpConnection Client, TcpConnection Server, TcpListener Listener) Connected(TcpWire wire, ushort port = 80)
    {
        TcpListener listener = wire.B.Tcp.Listen(port, 8, out NetStatus listened)!;
        Assert.That(listened, Is.EqualTo(NetStatus.Ok));
        TcpConnection client = wire.A.Tcp.Connect(wire.B.Address, port, wire.Now, out NetStatus status)!;
        Assert.That(status, Is.EqualTo(NetStatus.Ok));
        TcpConnection? server = null;
        Assert.That(wire.RunUntil(() => client.State == TcpState.Established && (server ??= listener.Accept()) != null, 10 * Second), Is.True, "handshake");
        return (client, server!, listener);
    }

    private static byte[] Pattern(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    // Moves `data` from one end to the other, writing as room allows and reading as it comes.
    private static byte[] Transfer(TcpWire wire, TcpConnection from, TcpConnection to, byte[] data, ulong limit = 120 * Second)
    {
        var received = new List<byte>();
        int written = 0;
        byte[] chunk = new byte[8192];
        bool done = wire.RunUntil(() =>
        {
            if (written < data.Length)
            {
                written += from.Write(data.AsSpan(written), wire.Now);
            }

            int n;
            while ((n = to.Read(chunk, wire.Now)) > 0)
            {
                received.AddRange(chunk.AsSpan(0, n).ToArray());
            }

            return received.Count == data.Length;
        }, limit);
        Assert.That(done, Is.True, $"{received.Count} of {data.Length} bytes arrived; client {from.State}, server {to.State}");
        return received.ToArray();
    }

    [Test]
    public void AHandshakeNegotiatesTheSegmentSizeAndWindowScale()
    {
        var wire = new TcpWire();
        (TcpConnection client, TcpConnection server, _) = Connected(wire);
        Assert.That((client.State, server.State), Is.EqualTo((TcpState.Established, TcpState.Established)));
        Assert.That((client.LocalAddress, client.RemoteAddress, server.RemotePort), Is.EqualTo((wire.A.Address, wire.B.Address, client.LocalPort)));
        Assert.That(client.Negotiated, Is.EqualTo((3, 3, 1460)), "256 KiB of buffer needs scale 3 to be advertised");
        Assert.That(client.Congestion.Cwnd, Is.EqualTo(10u * 1460));
    }

    [Test]
    public void AMegabyteGoesEachWayIntactAndBothSidesCloseCleanly()
    {
        var wire = new TcpWire();
        (TcpConnection client, TcpConnection server, _) = Connected(wire);
        byte[] up = Pattern(1 << 20, 1), down = Pattern(1 << 20, 2);
        Assert.That(Transfer(wire, client, server, up), Is.EqualTo(up));
        Assert.That(Transfer(wire, server, client, down), Is.EqualTo(down));
        Assert.That(client.Retransmissions + server.Retransmissions, Is.Zero, "a clean wire needs no retransmission");

        client.Close(wire.Now);
        Assert.That(wire.RunUntil(() => server.PeerClosed && server.State == TcpState.CloseWait, 5 * Second), Is.True);
        server.Close(wire.Now);
        Assert.That(wire.RunUntil(() => server.State == TcpState.Closed && client.State == TcpState.TimeWait, 5 * Second), Is.True, $"{client.State} {server.State}");
        Assert.That((client.Error, server.Error), Is.EqualTo((NetStatus.Ok, NetStatus.Ok)));
        wire.Run(31 * Second);
        Assert.That(client.State, Is.EqualTo(TcpState.Closed), "TIME-WAIT ends");
    }

    [TestCase(1, 0.05, 0.0, 0.0)]
    [TestCase(2, 0.0, 0.2, 0.0)]
    [TestCase(3, 0.0, 0.0, 0.3)]
    [TestCase(4, 0.05, 0.1, 0.2)]
    public void DataSurvivesLossDuplicationAndReordering(int seed, double loss, double duplicate, double reorder)
    {
        var wire = new TcpWire(seed);
        (TcpConnection client, TcpConnection server, _) = Connected(wire);
        wire.Loss = loss;
        wire.Duplicate = duplicate;
        wire.Reorder = reorder;
        byte[] data = Pattern(300_000, seed);
        Assert.That(Transfer(wire, client, server, data, 600 * Second), Is.EqualTo(data));
        if (loss > 0)
        {
            Assert.That(client.Retransmissions, Is.Positive);
        }
    }

    [Test]
    public void ConnectingToAPortNobodyListensOnIsRefused()
    {
        var wire = new TcpWire();
        TcpConnection c = wire.A.Tcp.Connect(wire.B.Address, 81, wire.Now, out _)!;
        Assert.That(wire.RunUntil(() => c.State == TcpState.Closed, 5 * Second), Is.True);
        Assert.That(c.Error, Is.EqualTo(NetStatus.Refused));
    }

    [Test]
    public void AnUnansweredSynTimesOutAfterItsRetries()
    {
        var wire = new TcpWire { CutAToB = true };
        TcpConnection c = wire.A.Tcp.Connect(wire.B.Address, 80, wire.Now, out _)!;
        Assert.That(wire.RunUntil(() => c.State == TcpState.Closed, 1000 * Second), Is.True);
        Assert.That((c.Error, c.Retransmissions), Is.EqualTo((NetStatus.TimedOut, 8)));
    }

    [Test]
    public void APeerThatVanishesMidTransferTimesTheConnectionOut()
    {
        var wire = new TcpWire();
        (TcpConnection client, _, _) = Connected(wire);
        wire.CutAToB = true;
        Assert.That(client.Write(Pattern(10_000, 3), wire.Now), Is.EqualTo(10_000));
        Assert.That(wire.RunUntil(() => client.State == TcpState.Closed, 2000 * Second), Is.True);
        Assert.That(client.Error, Is.EqualTo(NetStatus.TimedOut));
    }

    [Test]
    public void ASlowReaderClosesTheWindowAndTheSenderProbesUntilItOpens()
    {
        var parameters = new TcpParameters();
        Assert.That(parameters.TrySet("tcp.receive_buffer", 8192), Is.True);
        var wire = new TcpWire(5, parameters);
        (TcpConnection client, TcpConnection server, _) = Connected(wire);
        byte[] data = Pattern(50_000, 5);
        int written = client.Write(data, wire.Now);
        wire.Run(30 * Second);
        Assert.That(server.Readable, Is.EqualTo(8192), "the window closed at the buffer's size");
        Assert.That(client.State, Is.EqualTo(TcpState.Established), "a zero window held for 30 s does not kill the connection");
        var received = new List<byte>();
        byte[] chunk = new byte[4096];
        Assert.That(wire.RunUntil(() =>
        {
            if (written < data.Length)
            {
                written += client.Write(data.AsSpan(written), wire.Now);
            }

            int n;
            while ((n = server.Read(chunk, wire.Now)) > 0)
            {
                received.AddRange(chunk.AsSpan(0, n).ToArray());
            }

            return received.Count == data.Length;
        }, 120 * Second), Is.True, $"{received.Count} bytes");
        Assert.That(received.ToArray(), Is.EqualTo(data));
    }

    [Test]
    public void OnlyAResetAtTheExactNextByteResetsOneElsewhereInTheWindowGetsAChallenge()
    {
        var wire = new TcpWire();
        (TcpConnection client, TcpConnection server, _) = Connected(wire);
        int challenges = 0;
        wire.Tap = (from, frame) =>
        {
            // Turn B's next data segment into a reset 100 bytes into A's window.
            if (from == 1 && frame.Length > 54 && challenges == 0)
            {
                challenges++;
                return Forge(frame, wire, TcpFlags.Rst, seqDelta: 100);
            }

            return frame;
        };
        Assert.That(server.Write(new byte[200], wire.Now), Is.EqualTo(200));
        wire.Run(2 * Second);
        Assert.That(client.State, Is.EqualTo(TcpState.Established), "a blind reset off the exact sequence is ignored");
        wire.Tap = (from, frame) => from == 1 && frame.Length > 54 ? Forge(frame, wire, TcpFlags.Rst, seqDelta: 0) : frame;
        Assert.That(server.Write(new byte[10], wire.Now), Is.EqualTo(10));
        Assert.That(wire.RunUntil(() => client.State == TcpState.Closed, 2 * Second), Is.True);
        Assert.That(client.Error, Is.EqualTo(NetStatus.Reset));
    }

    [Test]
    public void ASynFloodIsBoundedByTheBacklogAndTheListenerStillServes()
    {
        var wire = new TcpWire();
        TcpListener listener = wire.B.Tcp.Listen(80, 8, out _)!;
        var random = new Random(9);
        wire.CutAToB = false;
        for (int i = 0; i < 2000; i++)
        {
            // SYNs from many ports whose SYN-ACKs nobody answers (A has no such connections: it
            // resets them, and a reset in the window ends each half-open connection).
            byte[] syn = SynFrame(wire, (ushort)random.Next(1024, 65535), (uint)random.Next());
            wire.B.Ip.Receive(syn, wire.Now);
        }

        Assert.That(wire.B.Tcp.Connections.Count, Is.LessThanOrEqualTo(8));
        Assert.That(wire.B.Tcp.Counters.SynsDropped, Is.Positive);
        wire.Run(5 * Second);
        TcpConnection client = wire.A.Tcp.Connect(wire.B.Address, 80, wire.Now, out _)!;
        TcpConnection? server = null;
        Assert.That(wire.RunUntil(() => (server ??= listener.Accept()) != null, 100 * Second), Is.True, "the backlog drains and a real client gets in");
        Assert.That(client.State, Is.EqualTo(TcpState.Established));
    }

    [Test]
    public void TheRoundTripIsMeasuredAndTheTimeoutFollowsIt()
    {
        var wire = new TcpWire { LatencyNs = 20 * Ms };
        (TcpConnection client, TcpConnection server, _) = Connected(wire);
        Transfer(wire, client, server, Pattern(200_000, 7));
        (_, _, ulong rto, long srtt) = client.Congestion;
        Assert.That(srtt, Is.InRange(40 * (long)Ms, 120 * (long)Ms), "two 20 ms legs, give or take the delayed ACK");
        Assert.That(rto, Is.InRange(200 * Ms, 1000 * Ms));
    }

    [Test]
    public void GarbageAimedAtAConnectionLeavesItWorking()
    {
        var wire = new TcpWire();
        (TcpConnection client, TcpConnection server, _) = Connected(wire);
        var random = new Random(11);
        byte[] template = SynFrame(wire, client.LocalPort, 0, toPort: 80);
        for (int i = 0; i < 5000; i++)
        {
            byte[] frame = (byte[])template.Clone();
            for (int f = random.Next(1, 8); f > 0; f--)
            {
                frame[34 + random.Next(frame.Length - 34)] = (byte)random.Next(256);
            }

            wire.B.Ip.Receive(frame, wire.Now);
        }

        byte[] data = Pattern(20_000, 12);
        Assert.That(Transfer(wire, client, server, data), Is.EqualTo(data));
    }

    [Test]
    public void ANewSynFromTheSamePortReopensAConnectionInTimeWait()
    {
        var wire = new TcpWire();
        (TcpConnection client, TcpConnection server, TcpListener listener) = Connected(wire);
        server.Close(wire.Now); // the server closes first, so it holds TIME-WAIT
        Assert.That(wire.RunUntil(() => client.State == TcpState.CloseWait, 5 * Second), Is.True);
        client.Close(wire.Now);
        Assert.That(wire.RunUntil(() => server.State == TcpState.TimeWait && client.State == TcpState.Closed, 5 * Second), Is.True, $"{client.State} {server.State}");

        // The same client port again at once, with a higher sequence number (as a NAT reuses it).
        byte[] segment = new byte[TcpHeader.MinimumLength];
        new TcpHeader(client.LocalPort, 80, server.ReceiveNext + 100_000, default, TcpFlags.Syn, 65535, TcpHeader.MinimumLength, default)
            .Write(segment, 0, wire.A.Address, wire.B.Address);
        byte[] frame = new byte[EthernetHeader.Length + Ipv4Header.MinimumLength + segment.Length];
        new EthernetHeader(wire.B.Ip.Mac, wire.A.Ip.Mac, EtherType.Ipv4).Write(frame);
        Ipv4Header.Write(frame.AsSpan(EthernetHeader.Length), segment.Length, 9, true, 64, IpProtocol.Tcp, wire.A.Address, wire.B.Address);
        segment.CopyTo(frame, EthernetHeader.Length + Ipv4Header.MinimumLength);
        wire.B.Ip.Receive(frame, wire.Now);
        Assert.That(listener.HalfOpen, Is.EqualTo(1), "the SYN started a new handshake");
        Assert.That(wire.B.Tcp.Connections, Has.None.Matches<TcpConnection>(c => c.State == TcpState.TimeWait));
    }

    [Test]
    public void ParametersAreNamedAndRangeChecked()
    {
        var p = new TcpParameters();
        Assert.That(p[TcpParameters.InitialWindow], Is.EqualTo(10));
        Assert.That(p.TrySet("tcp.initial_window", 0), Is.False);
        Assert.That(p.TrySet("tcp.initial_window", 11), Is.False);
        Assert.That(p.TrySet("tcp.nothing", 1), Is.False);
        Assert.That(p.TrySet("tcp.delayed_ack", 0), Is.True);
        Assert.That(p[TcpParameters.DelayedAck], Is.Zero);
    }

    // A SYN from A's address to B (port 80 by default) with the given source port and sequence.
    private static byte[] SynFrame(TcpWire wire, ushort fromPort, uint seq, ushort toPort = 80)
    {
        byte[] segment = new byte[TcpHeader.MinimumLength];
        new TcpHeader(fromPort, toPort, new SeqNum(seq), default, TcpFlags.Syn, 65535, TcpHeader.MinimumLength, default)
            .Write(segment, 0, wire.A.Address, wire.B.Address);
        byte[] frame = new byte[EthernetHeader.Length + Ipv4Header.MinimumLength + segment.Length];
        new EthernetHeader(wire.B.Ip.Mac, wire.A.Ip.Mac, EtherType.Ipv4).Write(frame);
        Ipv4Header.Write(frame.AsSpan(EthernetHeader.Length), segment.Length, 1, true, 64, IpProtocol.Tcp, wire.A.Address, wire.B.Address);
        segment.CopyTo(frame, EthernetHeader.Length + Ipv4Header.MinimumLength);
        return frame;
    }

    // The frame's segment rewritten with `flags`, its sequence moved by `seqDelta`, no data.
    private static byte[] Forge(byte[] frame, TcpWire wire, TcpFlags flags, int seqDelta)
    {
        Assert.That(TcpHeader.TryRead(frame.AsSpan(34), wire.B.Address, wire.A.Address, out TcpHeader h, out _), Is.EqualTo(TcpError.None));
        byte[] segment = new byte[TcpHeader.MinimumLength];
        new TcpHeader(h.SourcePort, h.DestinationPort, h.Sequence + (uint)seqDelta, h.Acknowledgment, flags | TcpFlags.Ack, h.Window, TcpHeader.MinimumLength, default)
            .Write(segment, 0, wire.B.Address, wire.A.Address);
        byte[] forged = new byte[34 + segment.Length];
        frame.AsSpan(0, 14).CopyTo(forged);
        Ipv4Header.Write(forged.AsSpan(14), segment.Length, 2, true, 64, IpProtocol.Tcp, wire.B.Address, wire.A.Address);
        segment.CopyTo(forged, 34);
        return forged;
    }
}
