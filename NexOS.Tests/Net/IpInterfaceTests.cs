using System.Linq;
using NexOS.Net;

namespace NexOS.Tests.Net;

/// <summary>One interface on a link like QEMU's user network (10.0.2.0/24, gateway 10.0.2.2):
/// it answers ARP and ping, resolves next hops while holding a bounded number of packets,
/// hands UDP on, and counts every frame it refuses.</summary>
[TestFixture]
public sealed class IpInterfaceTests
{
    private const ulong Second = 1_000_000_000;
    private static readonly MacAddress s_me = new(0x5254_0012_3456);
    private static readonly MacAddress s_gatewayMac = new(0x5255_0A00_0202);
    private static readonly Ipv4Address s_myIp = new(0x0A00020F);
    private static readonly Ipv4Address s_gatewayIp = new(0x0A000202);
    private static readonly Ipv4Address s_outside = new(0x08080808);

    private sealed class Wire : IFrameSink
    {
        public List<byte[]> Sent { get; } = new();

        public void Send(ReadOnlySpan<byte> frame) => Sent.Add(frame.ToArray());
    }

    private static (IpInterface Nic, Wire Wire) Configured()
    {
        var wire = new Wire();
        var nic = new IpInterface(s_me, wire);
        Assert.That(nic.Configure(s_myIp, 24, s_gatewayIp), Is.True);
        return (nic, wire);
    }

    private static byte[] ArpFrame(ushort operation, MacAddress to, MacAddress senderMac, Ipv4Address senderIp, Ipv4Address targetIp)
    {
        byte[] frame = new byte[60];
        new EthernetHeader(to, senderMac, EtherType.Arp).Write(frame);
        new ArpPacket(operation, senderMac, senderIp, operation == ArpPacket.Reply ? s_me : default, targetIp).Write(frame.AsSpan(14));
        return frame;
    }

    private static byte[] PingFrame(Ipv4Address to, ushort sequence, int dataLength = 32)
    {
        byte[] frame = new byte[14 + 20 + 8 + dataLength];
        for (int i = 0; i < dataLength; i++)
        {
            frame[42 + i] = (byte)(i * 7);
        }

        new IcmpEcho(true, 0x77, sequence).Write(frame.AsSpan(34), dataLength);
        Ipv4Header.Write(frame.AsSpan(14), 8 + dataLength, 9, false, 64, IpProtocol.Icmp, s_gatewayIp, to);
        new EthernetHeader(s_me, s_gatewayMac, EtherType.Ipv4).Write(frame);
        return frame;
    }

    [Test]
    public void ItAnswersAnArpRequestForItsAddressAndLearnsTheAsker()
    {
        (IpInterface nic, Wire wire) = Configured();
        nic.Receive(ArpFrame(ArpPacket.Request, MacAddress.Broadcast, s_gatewayMac, s_gatewayIp, s_myIp), 0);
        Assert.That(wire.Sent, Has.Count.EqualTo(1));
        Assert.That(EthernetHeader.TryRead(wire.Sent[0], out EthernetHeader eth, out ReadOnlySpan<byte> payload), Is.True);
        Assert.That(ArpPacket.TryRead(payload, out ArpPacket reply), Is.True);
        Assert.That((eth.Destination, reply.Operation, reply.SenderMac, reply.SenderIp, reply.TargetMac, reply.TargetIp),
            Is.EqualTo((s_gatewayMac, ArpPacket.Reply, s_me, s_myIp, s_gatewayMac, s_gatewayIp)));
        Assert.That(nic.Arp.Lookup(s_gatewayIp, 1, out MacAddress learned), Is.EqualTo(ArpResult.Resolved));
        Assert.That(learned, Is.EqualTo(s_gatewayMac));
    }

    [Test]
    public void ItIgnoresArpForOthersAndDoesNotLearnStrangers()
    {
        (IpInterface nic, Wire wire) = Configured();
        nic.Receive(ArpFrame(ArpPacket.Request, MacAddress.Broadcast, s_gatewayMac, s_gatewayIp, new Ipv4Address(0x0A000209)), 0);
        Assert.That(wire.Sent, Is.Empty);
        Assert.That(nic.Arp.Count, Is.Zero);
    }

    [Test]
    public void ItAnswersAPingWithTheSameData()
    {
        (IpInterface nic, Wire wire) = Configured();
        nic.Arp.Learn(s_gatewayIp, s_gatewayMac, 0, create: true);
        byte[] ping = PingFrame(s_myIp, 5);
        nic.Receive(ping, 0);
        Assert.That(wire.Sent, Has.Count.EqualTo(1));
        byte[] reply = wire.Sent[0];
        Assert.That(EthernetHeader.TryRead(reply, out EthernetHeader eth, out ReadOnlySpan<byte> ipBytes), Is.True);
        Assert.That(eth.Destination, Is.EqualTo(s_gatewayMac));
        Assert.That(Ipv4Header.TryRead(ipBytes, out Ipv4Header ip, out ReadOnlySpan<byte> icmp), Is.EqualTo(Ipv4Error.None));
        Assert.That((ip.Source, ip.Destination, ip.Protocol), Is.EqualTo((s_myIp, s_gatewayIp, IpProtocol.Icmp)));
        Assert.That(IcmpEcho.TryRead(icmp, out IcmpEcho echo, out ReadOnlySpan<byte> data), Is.True);
        Assert.That(echo, Is.EqualTo(new IcmpEcho(false, 0x77, 5)));
        Assert.That(data.ToArray(), Is.EqualTo(ping.AsSpan(42).ToArray()));
        Assert.That(nic.Counters.EchoRepliesSent, Is.EqualTo(1UL));
    }

    [Test]
    public void APingBeforeTheAskerIsKnownIsHeldUntilArpAnswers()
    {
        (IpInterface nic, Wire wire) = Configured();
        nic.Receive(PingFrame(s_myIp, 1), 0);
        Assert.That(wire.Sent, Has.Count.EqualTo(1), "an ARP request, the reply held");
        Assert.That(ArpPacket.TryRead(wire.Sent[0].AsSpan(14), out ArpPacket request) && request.Operation == ArpPacket.Request && request.TargetIp == s_gatewayIp, Is.True);
        Assert.That(nic.Pending, Is.EqualTo(1));
        nic.Receive(ArpFrame(ArpPacket.Reply, s_me, s_gatewayMac, s_gatewayIp, s_myIp), Second / 10);
        Assert.That(nic.Pending, Is.Zero);
        Assert.That(wire.Sent, Has.Count.EqualTo(2));
        Assert.That(IcmpEcho.TryRead(wire.Sent[1].AsSpan(34), out IcmpEcho echo, out _) && !echo.IsRequest, Is.True);
    }

    [Test]
    public void PacketsOutsideTheSubnetGoThroughTheGatewayAndWithoutOneAreDropped()
    {
        (IpInterface nic, Wire wire) = Configured();
        nic.Arp.Learn(s_gatewayIp, s_gatewayMac, 0, create: true);
        Assert.That(nic.SendIpv4(s_outside, IpProtocol.Udp, new byte[8], 0), Is.True);
        Assert.That(EthernetHeader.TryRead(wire.Sent[0], out EthernetHeader eth, out _) && eth.Destination == s_gatewayMac, Is.True);
        var lonely = new IpInterface(s_me, wire);
        lonely.Configure(s_myIp, 24, Ipv4Address.Any);
        Assert.That(lonely.SendIpv4(s_outside, IpProtocol.Udp, new byte[8], 0), Is.False);
        Assert.That(lonely.Counters.DroppedUnreachable, Is.EqualTo(1UL));
        Assert.That(nic.SendIpv4(s_gatewayIp, IpProtocol.Udp, new byte[1481], 0), Is.False, "more than one frame holds");
    }

    [Test]
    public void AnUnansweredNextHopDropsItsPacketsAndTheQueueIsBounded()
    {
        (IpInterface nic, Wire wire) = Configured();
        var silent = new Ipv4Address(0x0A000263);
        for (int i = 0; i < IpInterface.MaxPending + 5; i++)
        {
            nic.SendIpv4(silent, IpProtocol.Udp, new byte[8], 0);
        }

        Assert.That(nic.Pending, Is.EqualTo(IpInterface.MaxPending));
        Assert.That(nic.Counters.DroppedQueueFull, Is.EqualTo(5UL));
        for (ulong t = 1; t <= 5; t++)
        {
            nic.Tick(t * Second);
        }

        Assert.That(nic.Pending, Is.Zero);
        Assert.That(nic.Counters.DroppedUnreachable, Is.EqualTo((ulong)IpInterface.MaxPending));
        Assert.That(wire.Sent.Count(f => ArpPacket.TryRead(f.AsSpan(14), out _)), Is.EqualTo(nic.Arp.MaxRequests), "one request per retry, not one per packet");
    }

    [Test]
    public void UdpForUsIsHandedOnAndEverythingElseIsCounted()
    {
        (IpInterface nic, Wire wire) = Configured();
        var got = new List<string>();
        nic.Udp = (source, sourcePort, port, data) => got.Add($"{source}:{sourcePort}->{port} {data.Length}");
        byte[] frame = new byte[14 + 20 + 8 + 3];
        UdpHeader.Write(frame.AsSpan(34), 53, 1000, 3, s_gatewayIp, s_myIp);
        Ipv4Header.Write(frame.AsSpan(14), 11, 1, false, 64, IpProtocol.Udp, s_gatewayIp, s_myIp);
        new EthernetHeader(s_me, s_gatewayMac, EtherType.Ipv4).Write(frame);
        nic.Receive(frame, 0);
        Assert.That(got, Is.EqualTo(new[] { "10.0.2.2:53->1000 3" }));

        byte[] other = (byte[])frame.Clone();
        new EthernetHeader(new MacAddress(0x0200_0000_0001), s_gatewayMac, EtherType.Ipv4).Write(other);
        nic.Receive(other, 0);
        nic.Receive(frame.AsSpan(0, 20).ToArray(), 0);
        byte[] ipv6 = (byte[])frame.Clone();
        ipv6[12] = 0x86;
        ipv6[13] = 0xDD;
        nic.Receive(ipv6, 0);
        byte[] bad = (byte[])frame.Clone();
        bad[40] ^= 0xFF;
        nic.Receive(bad, 0);
        Assert.That((nic.Counters.DroppedNotForUs, nic.Counters.DroppedMalformed, nic.Counters.DroppedUnsupported), Is.EqualTo((1UL, 2UL, 1UL)));
        Assert.That(got, Has.Count.EqualTo(1));
        Assert.That(wire.Sent, Is.Empty, "nothing answered");
    }

    [Test]
    public void AFragmentedDatagramIsJoinedBeforeItIsHandedOn()
    {
        (IpInterface nic, _) = Configured();
        int delivered = -1;
        nic.Udp = (_, _, _, data) => delivered = data.Length;
        byte[] udp = new byte[8 + 2000];
        new Random(4).NextBytes(udp.AsSpan(8));
        UdpHeader.Write(udp, 53, 1000, 2000, s_gatewayIp, s_myIp);
        foreach ((int offset, int length, bool more) in new[] { (1480, 528, false), (0, 1480, true) })
        {
            byte[] frame = new byte[14 + 20 + length];
            udp.AsSpan(offset, length).CopyTo(frame.AsSpan(34));
            Ipv4Header.Write(frame.AsSpan(14), length, 77, false, 64, IpProtocol.Udp, s_gatewayIp, s_myIp);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(20), (ushort)((more ? 0x2000 : 0) | (offset / 8)));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), 0);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), InternetChecksum.Compute(frame.AsSpan(14, 20)));
            new EthernetHeader(s_me, s_gatewayMac, EtherType.Ipv4).Write(frame);
            nic.Receive(frame, 0);
        }

        Assert.That(delivered, Is.EqualTo(2000), "the UDP checksum held over the joined payload");
    }

    [Test]
    public void AnUnconfiguredInterfaceHearsUdpButAnswersNothing()
    {
        var wire = new Wire();
        var nic = new IpInterface(s_me, wire);
        int heard = 0;
        nic.Udp = (_, _, _, _) => heard++;
        nic.Receive(ArpFrame(ArpPacket.Request, MacAddress.Broadcast, s_gatewayMac, s_gatewayIp, Ipv4Address.Any), 0);
        nic.Receive(PingFrame(Ipv4Address.Any, 1), 0);
        byte[] offer = new byte[14 + 20 + 8 + 4];
        UdpHeader.Write(offer.AsSpan(34), 67, 68, 4, s_gatewayIp, s_myIp);
        Ipv4Header.Write(offer.AsSpan(14), 12, 1, false, 64, IpProtocol.Udp, s_gatewayIp, s_myIp);
        new EthernetHeader(s_me, s_gatewayMac, EtherType.Ipv4).Write(offer);
        nic.Receive(offer, 0);
        Assert.That(wire.Sent, Is.Empty);
        Assert.That(heard, Is.EqualTo(1), "a DHCP offer to the address being offered");
    }

    [TestCase(33)]
    [TestCase(-1)]
    public void BadConfigurationsChangeNothing(int prefix)
    {
        (IpInterface nic, _) = Configured();
        Assert.That(nic.Configure(new Ipv4Address(0x0A000305), prefix, Ipv4Address.Any), Is.False);
        Assert.That(nic.Configure(new Ipv4Address(0xE0000001), 24, Ipv4Address.Any), Is.False);
        Assert.That(nic.Configure(s_myIp, 24, new Ipv4Address(0x0A000302)), Is.False, "a gateway outside the subnet");
        Assert.That((nic.Address, nic.PrefixLength, nic.Gateway), Is.EqualTo((s_myIp, 24, s_gatewayIp)));
    }
}
