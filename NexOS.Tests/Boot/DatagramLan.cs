using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NexOS.Net;
using NexOS.Tests.Net;

namespace NexOS.Tests.Boot;

/// <summary>
/// The network a boot test plays itself, behind QEMU's dgram back end (each Ethernet frame one
/// UDP datagram on loopback): a gateway at 10.0.2.2 that answers ARP and pings and leases the
/// guest 10.0.2.15 by DHCP, and a way to send the guest any frame at all. Frames the guest
/// sends are counted; nothing leaves the machine.
/// </summary>
internal sealed class DatagramLan : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly int _guestPort;

    public DatagramLan()
    {
        _guestPort = FreeUdpPort();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>The -netdev back end for <see cref="QemuOptions.NicBackend"/>.</summary>
    public string Backend => $"dgram,local.type=inet,local.host=127.0.0.1,local.port={_guestPort},remote.type=inet,remote.host=127.0.0.1,remote.port={((IPEndPoint)_socket.Client.LocalEndPoint!).Port}";

    public static MacAddress GuestMac { get; } = new(0x5254_0012_3456);

    public int FramesFromGuest { get; private set; }

    public int EchoRepliesSent { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }

    /// <summary>Puts <paramref name="frame"/> on the wire to the guest.</summary>
    public void Send(byte[] frame) => _socket.Send(frame, frame.Length, new IPEndPoint(IPAddress.Loopback, _guestPort));

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult got;
            try
            {
                got = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            FramesFromGuest++;
            Answer(got.Buffer);
        }
    }

    // The gateway's part: ARP for itself, pings to itself, and DHCP.
    private void Answer(byte[] frame)
    {
        if (!EthernetHeader.TryRead(frame, out EthernetHeader eth, out ReadOnlySpan<byte> payload))
        {
            return;
        }

        if (eth.Type == EtherType.Arp && ArpPacket.TryRead(payload, out ArpPacket arp) && arp.Operation == ArpPacket.Request && arp.TargetIp == FakeSlirp.Gateway)
        {
            byte[] reply = new byte[EthernetHeader.MinimumFrame];
            new EthernetHeader(eth.Source, FakeSlirp.GatewayMac, EtherType.Arp).Write(reply);
            new ArpPacket(ArpPacket.Reply, FakeSlirp.GatewayMac, FakeSlirp.Gateway, arp.SenderMac, arp.SenderIp).Write(reply.AsSpan(EthernetHeader.Length));
            Send(reply);
            return;
        }

        if (eth.Type != EtherType.Ipv4 || Ipv4Header.TryRead(payload, out Ipv4Header ip, out ReadOnlySpan<byte> body) != Ipv4Error.None)
        {
            return;
        }

        if (ip.Protocol == IpProtocol.Icmp && ip.Destination == FakeSlirp.Gateway && IcmpEcho.TryRead(body, out IcmpEcho echo, out ReadOnlySpan<byte> data) && echo.IsRequest)
        {
            byte[] reply = new byte[IcmpEcho.HeaderLength + data.Length];
            data.CopyTo(reply.AsSpan(IcmpEcho.HeaderLength));
            new IcmpEcho(false, echo.Identifier, echo.Sequence).Write(reply, data.Length);
            Send(FakeSlirp.IpFrame(eth.Source, FakeSlirp.Gateway, ip.Source, IpProtocol.Icmp, reply));
            EchoRepliesSent++;
        }
        else if (ip.Protocol == IpProtocol.Udp && UdpHeader.TryRead(body, ip.Source, ip.Destination, out UdpHeader udp, out ReadOnlySpan<byte> dhcp) == UdpError.None && udp.DestinationPort == 67)
        {
            byte type = 0;
            ReadOnlySpan<byte> o = dhcp[(DhcpMessage.FixedLength + 4)..];
            while (o.Length >= 3 && o[0] != 255)
            {
                type = o[0] == 53 ? o[2] : type;
                o = o[(2 + o[1])..];
            }

            byte[] answer = DhcpTests.Reply(dhcp, type == DhcpType.Discover ? DhcpType.Offer : DhcpType.Ack);
            Send(FakeSlirp.UdpFrame(MacAddress.Broadcast, FakeSlirp.Gateway, Ipv4Address.Broadcast, 67, 68, answer));
        }
    }
}
