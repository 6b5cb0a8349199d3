using NexOS.Net;

namespace NexOS.Tests.Net;

/// <summary>
/// A host model of QEMU's user network as the guest sees it: the gateway 10.0.2.2 answers ARP
/// and pings and serves DHCP (the guest gets 10.0.2.15), the name server 10.0.2.3 answers
/// `nexos.test` with 10.0.2.100 and nothing else. Frames the stack sends arrive through
/// <see cref="Send"/> and the answers wait in <see cref="Outbox"/> until <see cref="Deliver"/>.
/// Knobs drop or damage traffic.
/// </summary>
internal sealed class FakeSlirp : IFrameSink
{
    public static readonly MacAddress GatewayMac = new(0x5255_0A00_0202);
    public static readonly Ipv4Address Gateway = new(0x0A000202), Dns = new(0x0A000203), Guest = new(0x0A00020F), Named = new(0x0A000264);

    public Queue<byte[]> Outbox { get; } = new();

    public List<byte[]> Seen { get; } = new();

    public bool DropEverything { get; set; }

    public bool AnswerPings { get; set; } = true;

    public bool AnswerDns { get; set; } = true;

    public int DnsQueries { get; private set; }

    public void Send(ReadOnlySpan<byte> frame)
    {
        Seen.Add(frame.ToArray());
        if (DropEverything || !EthernetHeader.TryRead(frame, out EthernetHeader eth, out ReadOnlySpan<byte> payload))
        {
            return;
        }

        if (eth.Type == EtherType.Arp && ArpPacket.TryRead(payload, out ArpPacket arp) && arp.Operation == ArpPacket.Request
            && (arp.TargetIp == Gateway || arp.TargetIp == Dns))
        {
            byte[] reply = new byte[EthernetHeader.MinimumFrame];
            new EthernetHeader(eth.Source, GatewayMac, EtherType.Arp).Write(reply);
            new ArpPacket(ArpPacket.Reply, GatewayMac, arp.TargetIp, arp.SenderMac, arp.SenderIp).Write(reply.AsSpan(EthernetHeader.Length));
            Outbox.Enqueue(reply);
        }
        else if (eth.Type == EtherType.Ipv4 && Ipv4Header.TryRead(payload, out Ipv4Header ip, out ReadOnlySpan<byte> body) == Ipv4Error.None)
        {
            Ip(eth.Source, ip, body);
        }
    }

    /// <summary>Hands every waiting answer to <paramref name="stack"/>.</summary>
    public void Deliver(NetStack stack, ulong now)
    {
        while (Outbox.TryDequeue(out byte[]? frame))
        {
            stack.Receive(frame, now);
        }
    }

    /// <summary>A frame from <paramref name="from"/> (the gateway's MAC) carrying UDP.</summary>
    public static byte[] UdpFrame(MacAddress to, Ipv4Address from, Ipv4Address destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> data)
    {
        byte[] udp = new byte[UdpHeader.HeaderLength + data.Length];
        data.CopyTo(udp.AsSpan(UdpHeader.HeaderLength));
        UdpHeader.Write(udp, sourcePort, destinationPort, data.Length, from, destination);
        return IpFrame(to, from, destination, IpProtocol.Udp, udp);
    }

    public static byte[] IpFrame(MacAddress to, Ipv4Address from, Ipv4Address destination, byte protocol, ReadOnlySpan<byte> body)
    {
        byte[] frame = new byte[EthernetHeader.Length + Ipv4Header.MinimumLength + body.Length];
        new EthernetHeader(to, GatewayMac, EtherType.Ipv4).Write(frame);
        Ipv4Header.Write(frame.AsSpan(EthernetHeader.Length), body.Length, 7, dontFragment: true, 64, protocol, from, destination);
        body.CopyTo(frame.AsSpan(EthernetHeader.Length + Ipv4Header.MinimumLength));
        return frame;
    }

    private void Ip(MacAddress guest, Ipv4Header ip, ReadOnlySpan<byte> body)
    {
        if (ip.Protocol == IpProtocol.Icmp && ip.Destination == Gateway && AnswerPings && IcmpEcho.TryRead(body, out IcmpEcho echo, out ReadOnlySpan<byte> data) && echo.IsRequest)
        {
            byte[] reply = new byte[IcmpEcho.HeaderLength + data.Length];
            data.CopyTo(reply.AsSpan(IcmpEcho.HeaderLength));
            new IcmpEcho(false, echo.Identifier, echo.Sequence).Write(reply, data.Length);
            Outbox.Enqueue(IpFrame(guest, Gateway, ip.Source, IpProtocol.Icmp, reply));
            return;
        }

        if (ip.Protocol != IpProtocol.Udp || UdpHeader.TryRead(body, ip.Source, ip.Destination, out UdpHeader udp, out ReadOnlySpan<byte> payload) != UdpError.None)
        {
            return;
        }

        if (udp.DestinationPort == 67)
        {
            byte type = 0;
            ReadOnlySpan<byte> o = payload[(DhcpMessage.FixedLength + 4)..];
            while (o.Length >= 3 && o[0] != 255)
            {
                type = o[0] == 53 ? o[2] : type;
                o = o[(2 + o[1])..];
            }

            byte[] reply = DhcpTests.Reply(payload, type == DhcpType.Discover ? DhcpType.Offer : DhcpType.Ack);
            Outbox.Enqueue(UdpFrame(MacAddress.Broadcast, Gateway, Ipv4Address.Broadcast, 67, 68, reply));
        }
        else if (udp.DestinationPort == 53 && ip.Destination == Dns)
        {
            DnsQueries++;
            if (!AnswerDns)
            {
                return;
            }

            bool known = payload.Length > 13 && System.Text.Encoding.ASCII.GetString(payload[13..].ToArray()).StartsWith("nexos\u0004test", StringComparison.Ordinal);
            byte[] answer = known ? DnsTests.Answer(payload, 0, (1, [10, 0, 2, 100], 300)) : DnsTests.Answer(payload, 3);
            Outbox.Enqueue(UdpFrame(guest, Dns, ip.Source, 53, udp.SourcePort, answer));
        }
    }
}
