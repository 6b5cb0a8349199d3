using System.Buffers.Binary;
using NexOS.Net;

namespace NexOS.Tests.Net;

/// <summary>Ethernet, ARP, IPv4, ICMP echo and UDP: what is written reads back, and what the
/// wire may bring (truncated, lying lengths, wrong checksums, random bytes) is refused with a
/// reason, never read past its end.</summary>
[TestFixture]
public sealed class PacketTests
{
    private static readonly MacAddress s_me = new(0x5254_0012_3456);
    private static readonly MacAddress s_gateway = new(0x5255_0A00_0202);
    private static readonly Ipv4Address s_myIp = new(0x0A00020F);
    private static readonly Ipv4Address s_gatewayIp = new(0x0A000202);

    [Test]
    public void AnEthernetHeaderRoundTrips()
    {
        byte[] frame = new byte[60];
        new EthernetHeader(s_gateway, s_me, EtherType.Arp).Write(frame);
        Assert.That(EthernetHeader.TryRead(frame, out EthernetHeader h, out ReadOnlySpan<byte> payload), Is.True);
        Assert.That(h, Is.EqualTo(new EthernetHeader(s_gateway, s_me, EtherType.Arp)));
        Assert.That(payload.Length, Is.EqualTo(46));
    }

    [TestCase(13, 0x0800)]
    [TestCase(1515, 0x0800)]
    [TestCase(60, 0x05DC)]
    [TestCase(60, 0x8100)]
    public void FramesTheStackCannotUseAreRefused(int length, int type)
    {
        byte[] frame = new byte[length];
        if (length >= 14)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), (ushort)type);
        }

        Assert.That(EthernetHeader.TryRead(frame, out _, out _), Is.False);
    }

    [Test]
    public void ArpRoundTripsAndRefusesOtherProtocols()
    {
        var request = new ArpPacket(ArpPacket.Request, s_me, s_myIp, default, s_gatewayIp);
        byte[] data = new byte[46];
        request.Write(data);
        Assert.That(ArpPacket.TryRead(data, out ArpPacket back), Is.True);
        Assert.That(back, Is.EqualTo(request));
        Assert.That(ArpPacket.TryRead(data.AsSpan(0, 27), out _), Is.False, "truncated");
        foreach ((int offset, byte value) in new[] { (1, (byte)6), (2, (byte)0x86), (4, (byte)8), (5, (byte)16), (7, (byte)3) })
        {
            byte[] bad = (byte[])data.Clone();
            bad[offset] = value;
            Assert.That(ArpPacket.TryRead(bad, out _), Is.False, $"byte {offset} = {value}");
        }
    }

    private static byte[] Ipv4Packet(byte protocol, int payloadLength, Action<byte[]>? damage = null)
    {
        byte[] packet = new byte[20 + payloadLength];
        Ipv4Header.Write(packet, payloadLength, 0x1234, dontFragment: true, 64, protocol, s_gatewayIp, s_myIp);
        damage?.Invoke(packet);
        return packet;
    }

    [Test]
    public void AnIpv4HeaderRoundTripsAndDropsLinkPadding()
    {
        byte[] packet = new byte[60]; // 20 + 8 of payload, then padding to Ethernet's minimum
        Ipv4Header.Write(packet, 8, 7, false, 64, IpProtocol.Udp, s_gatewayIp, s_myIp);
        Assert.That(Ipv4Header.TryRead(packet, out Ipv4Header h, out ReadOnlySpan<byte> payload), Is.EqualTo(Ipv4Error.None));
        Assert.That((h.TotalLength, h.Protocol, h.Source, h.Destination, h.IsFragment), Is.EqualTo((28, IpProtocol.Udp, s_gatewayIp, s_myIp, false)));
        Assert.That(payload.Length, Is.EqualTo(8));
    }

    [Test]
    public void HostileIpv4HeadersAreRefusedWithTheReason()
    {
        Assert.That(Ipv4Header.TryRead(new byte[19], out _, out _), Is.EqualTo(Ipv4Error.Truncated));
        Assert.That(Ipv4Header.TryRead(Ipv4Packet(1, 8, p => p[0] = 0x65), out _, out _), Is.EqualTo(Ipv4Error.BadHeader), "version 6");
        Assert.That(Ipv4Header.TryRead(Ipv4Packet(1, 8, p => p[0] = 0x44), out _, out _), Is.EqualTo(Ipv4Error.BadHeader), "IHL 4");
        Assert.That(Ipv4Header.TryRead(Ipv4Packet(1, 8, p => p[0] = 0x4F), out _, out _), Is.EqualTo(Ipv4Error.Truncated), "IHL 60 in 28 bytes");
        Assert.That(Ipv4Header.TryRead(Ipv4Packet(1, 8, p => BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), 29)), out _, out _), Is.EqualTo(Ipv4Error.BadLength), "total beyond the bytes");
        Assert.That(Ipv4Header.TryRead(Ipv4Packet(1, 8, p => BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), 19)), out _, out _), Is.EqualTo(Ipv4Error.BadLength), "total below the header");
        Assert.That(Ipv4Header.TryRead(Ipv4Packet(1, 8, p => p[8] ^= 1), out _, out _), Is.EqualTo(Ipv4Error.BadChecksum));
        byte[] multicastSource = Ipv4Packet(1, 8, p =>
        {
            new Ipv4Address(0xE0000001).Write(p.AsSpan(12));
            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), 0);
            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), InternetChecksum.Compute(p.AsSpan(0, 20)));
        });
        Assert.That(Ipv4Header.TryRead(multicastSource, out _, out _), Is.EqualTo(Ipv4Error.BadSource));
    }

    [Test]
    public void FragmentsAreRecognised()
    {
        byte[] p = Ipv4Packet(IpProtocol.Udp, 16, b =>
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(6), 0x2000 | 185); // more fragments, offset 1480
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(10), 0);
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(10), InternetChecksum.Compute(b.AsSpan(0, 20)));
        });
        Assert.That(Ipv4Header.TryRead(p, out Ipv4Header h, out _), Is.EqualTo(Ipv4Error.None));
        Assert.That((h.IsFragment, h.MoreFragments, h.FragmentOffset, h.DontFragment), Is.EqualTo((true, true, 1480, false)));
    }

    [Test]
    public void AnEchoRequestRoundTripsAndAFlippedBitIsRefused()
    {
        byte[] message = new byte[8 + 32];
        for (int i = 0; i < 32; i++)
        {
            message[8 + i] = (byte)i;
        }

        int length = new IcmpEcho(true, 0xBEEF, 3).Write(message, 32);
        Assert.That(length, Is.EqualTo(40));
        Assert.That(IcmpEcho.TryRead(message, out IcmpEcho echo, out ReadOnlySpan<byte> data), Is.True);
        Assert.That(echo, Is.EqualTo(new IcmpEcho(true, 0xBEEF, 3)));
        Assert.That(data.ToArray(), Is.EqualTo(message[8..]));
        message[20] ^= 0x40;
        Assert.That(IcmpEcho.TryRead(message, out _, out _), Is.False);
        Assert.That(IcmpEcho.TryRead(message.AsSpan(0, 7), out _, out _), Is.False);
    }

    [Test]
    public void UdpRoundTripsWithThePseudoHeader()
    {
        byte[] segment = new byte[8 + 5];
        "hello"u8.CopyTo(segment.AsSpan(8));
        int length = UdpHeader.Write(segment, 68, 67, 5, s_myIp, Ipv4Address.Broadcast);
        Assert.That(UdpHeader.TryRead(segment.AsSpan(0, length), s_myIp, Ipv4Address.Broadcast, out UdpHeader h, out ReadOnlySpan<byte> payload), Is.EqualTo(UdpError.None));
        Assert.That((h.SourcePort, h.DestinationPort, h.Length), Is.EqualTo(((ushort)68, (ushort)67, 13)));
        Assert.That(payload.ToArray(), Is.EqualTo("hello"u8.ToArray()));
        Assert.That(UdpHeader.TryRead(segment, s_gatewayIp, Ipv4Address.Broadcast, out _, out _), Is.EqualTo(UdpError.BadChecksum), "another source address");
    }

    [Test]
    public void HostileUdpIsRefusedWithTheReason()
    {
        byte[] segment = new byte[8 + 4];
        UdpHeader.Write(segment, 1000, 53, 4, s_myIp, s_gatewayIp);
        Assert.That(UdpHeader.TryRead(segment.AsSpan(0, 7), s_myIp, s_gatewayIp, out _, out _), Is.EqualTo(UdpError.Truncated));
        byte[] longer = (byte[])segment.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(longer.AsSpan(4), 13);
        Assert.That(UdpHeader.TryRead(longer, s_myIp, s_gatewayIp, out _, out _), Is.EqualTo(UdpError.BadLength));
        byte[] shorter = (byte[])segment.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(shorter.AsSpan(4), 7);
        Assert.That(UdpHeader.TryRead(shorter, s_myIp, s_gatewayIp, out _, out _), Is.EqualTo(UdpError.BadLength));
        byte[] noChecksum = (byte[])segment.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(noChecksum.AsSpan(6), 0);
        noChecksum[9] ^= 0xFF;
        Assert.That(UdpHeader.TryRead(noChecksum, s_myIp, s_gatewayIp, out _, out _), Is.EqualTo(UdpError.None), "0: the sender computed none");
        byte[] portZero = new byte[8];
        UdpHeader.Write(portZero, 1000, 0, 0, s_myIp, s_gatewayIp);
        Assert.That(UdpHeader.TryRead(portZero, s_myIp, s_gatewayIp, out _, out _), Is.EqualTo(UdpError.BadPort));
    }

    [Test]
    public void RandomFramesNeverThrowOrReadPastTheirEnd()
    {
        var random = new Random(17);
        byte[] good = new byte[14 + 20 + 8 + 16];
        new EthernetHeader(s_me, s_gateway, EtherType.Ipv4).Write(good);
        Ipv4Header.Write(good.AsSpan(14), 24, 1, false, 64, IpProtocol.Udp, s_gatewayIp, s_myIp);
        UdpHeader.Write(good.AsSpan(34), 53, 1000, 16, s_gatewayIp, s_myIp);
        for (int n = 0; n < 5000; n++)
        {
            byte[] frame = good.AsSpan(0, random.Next(good.Length + 1)).ToArray();
            for (int flips = random.Next(4); flips > 0 && frame.Length > 0; flips--)
            {
                frame[random.Next(frame.Length)] = (byte)random.Next(256);
            }

            Assert.DoesNotThrow(() => Parse(frame));
        }
    }

    private static void Parse(byte[] frame)
    {
        if (!EthernetHeader.TryRead(frame, out EthernetHeader eth, out ReadOnlySpan<byte> payload))
        {
            return;
        }

        if (eth.Type == EtherType.Arp)
        {
            _ = ArpPacket.TryRead(payload, out _);
            return;
        }

        if (Ipv4Header.TryRead(payload, out Ipv4Header ip, out ReadOnlySpan<byte> body) != Ipv4Error.None)
        {
            return;
        }

        _ = ip.Protocol == IpProtocol.Icmp ? IcmpEcho.TryRead(body, out _, out _) : UdpHeader.TryRead(body, ip.Source, ip.Destination, out _, out _) == UdpError.None;
    }
}
