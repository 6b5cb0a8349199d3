using System.Buffers.Binary;
using NexOS.Net;

namespace NexOS.Tests.Net;

/// <summary>The DHCP client against a server like QEMU's user network (10.0.2.0/24, router
/// 10.0.2.2, DNS 10.0.2.3, the client at 10.0.2.15), and hostile replies.</summary>
[TestFixture]
public sealed class DhcpTests
{
    private const ulong Second = 1_000_000_000;
    private static readonly MacAddress s_mac = new(0x5254_0012_3456);
    private static readonly Ipv4Address s_offered = new(0x0A00020F);
    private static readonly Ipv4Address s_server = new(0x0A000202);

    // A reply to `request` (a client message) of `type`, with options the test may change.
    internal static byte[] Reply(ReadOnlySpan<byte> request, byte type, Action<List<byte>>? options = null, uint mask = 0xFFFFFF00)
    {
        var o = new List<byte> { 53, 1, type };
        if (type != DhcpType.Nak)
        {
            o.AddRange(new byte[] { 1, 4 });
            o.AddRange(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(mask)));
            o.AddRange(new byte[] { 3, 4, 10, 0, 2, 2, 6, 4, 10, 0, 2, 3, 51, 4, 0, 1, 0x51, 0x80, 54, 4, 10, 0, 2, 2 });
        }

        options?.Invoke(o);
        o.Add(255);
        byte[] reply = new byte[DhcpMessage.FixedLength + 4 + o.Count];
        request[..DhcpMessage.FixedLength].CopyTo(reply);
        reply[0] = 2;
        if (type != DhcpType.Nak)
        {
            s_offered.Write(reply.AsSpan(16));
        }

        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(DhcpMessage.FixedLength), 0x63825363);
        o.CopyTo(reply, DhcpMessage.FixedLength + 4);
        return reply;
    }

    private static byte OptionOf(ReadOnlySpan<byte> message, byte code, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> o = message[(DhcpMessage.FixedLength + 4)..];
        while (o.Length >= 2 && o[0] != 255)
        {
            if (o[0] == code)
            {
                value = o.Slice(2, o[1]);
                return code;
            }

            o = o[(2 + o[1])..];
        }

        value = default;
        return 0;
    }

    [Test]
    public void DiscoverOfferRequestAckBindsTheLease()
    {
        var client = new DhcpClient(s_mac, 42);
        byte[] message = new byte[DhcpMessage.MaxClientMessage];
        int n = client.Start(0, message);
        Assert.That(client.State, Is.EqualTo(DhcpState.Selecting));
        Assert.That(OptionOf(message.AsSpan(0, n), 53, out ReadOnlySpan<byte> type) == 53 && type[0] == DhcpType.Discover, Is.True);
        Assert.That(MacAddress.Read(message.AsSpan(28)), Is.EqualTo(s_mac));

        n = client.Receive(Reply(message, DhcpType.Offer), Second, message);
        Assert.That(client.State, Is.EqualTo(DhcpState.Requesting));
        Assert.That(OptionOf(message.AsSpan(0, n), 53, out type) == 53 && type[0] == DhcpType.Request, Is.True);
        Assert.That(OptionOf(message.AsSpan(0, n), 50, out ReadOnlySpan<byte> requested) == 50 && Ipv4Address.Read(requested) == s_offered, Is.True);
        Assert.That(OptionOf(message.AsSpan(0, n), 54, out ReadOnlySpan<byte> server) == 54 && Ipv4Address.Read(server) == s_server, Is.True);

        Assert.That(client.Receive(Reply(message, DhcpType.Ack), 2 * Second, message), Is.Zero);
        Assert.That(client.State, Is.EqualTo(DhcpState.Bound));
        DhcpLease lease = client.Lease!;
        Assert.That((lease.Address, lease.PrefixLength, lease.Router, lease.LeaseSeconds, lease.Server), Is.EqualTo((s_offered, 24, s_server, 86400u, s_server)));
        Assert.That(lease.DnsServers, Is.EqualTo(new[] { new Ipv4Address(0x0A000203) }));
    }

    [Test]
    public void AnotherClientsReplyIsIgnored()
    {
        var client = new DhcpClient(s_mac, 42);
        byte[] message = new byte[DhcpMessage.MaxClientMessage];
        client.Start(0, message);
        byte[] other = Reply(message, DhcpType.Offer);
        other[4] ^= 1;
        Assert.That(client.Receive(other, 0, message), Is.Zero);
        byte[] otherMac = Reply(message, DhcpType.Offer);
        otherMac[33] ^= 1;
        Assert.That(client.Receive(otherMac, 0, message), Is.Zero);
        Assert.That(client.State, Is.EqualTo(DhcpState.Selecting));
    }

    [Test]
    public void HostileRepliesAreRefusedWithTheReason()
    {
        byte[] request = new byte[DhcpMessage.MaxClientMessage];
        DhcpMessage.WriteClient(request, DhcpType.Discover, 7, s_mac, Ipv4Address.Any, Ipv4Address.Any);
        Assert.That(DhcpMessage.TryRead(new byte[239], 7, s_mac, out _, out _), Is.EqualTo(DhcpError.Malformed));
        Assert.That(DhcpMessage.TryRead(Reply(request, DhcpType.Offer, o => o.AddRange(new byte[] { 12, 200, 1 })), 7, s_mac, out _, out _), Is.EqualTo(DhcpError.BadOptions), "an option past the end");
        Assert.That(DhcpMessage.TryRead(Reply(request, DhcpType.Offer, mask: 0xFF00FF00), 7, s_mac, out _, out _), Is.EqualTo(DhcpError.BadOptions), "a mask that is not a prefix");
        Assert.That(DhcpMessage.TryRead(Reply(request, DhcpType.Offer, o => o.RemoveRange(0, 3)), 7, s_mac, out _, out _), Is.EqualTo(DhcpError.BadOptions), "no message type");
        byte[] cookie = Reply(request, DhcpType.Offer);
        cookie[DhcpMessage.FixedLength] = 0;
        Assert.That(DhcpMessage.TryRead(cookie, 7, s_mac, out _, out _), Is.EqualTo(DhcpError.Malformed));
        byte[] zero = Reply(request, DhcpType.Offer);
        Ipv4Address.Any.Write(zero.AsSpan(16));
        Assert.That(DhcpMessage.TryRead(zero, 7, s_mac, out _, out _), Is.EqualTo(DhcpError.BadOptions), "no address offered");

        var random = new Random(23);
        byte[] good = Reply(request, DhcpType.Offer);
        for (int i = 0; i < 3000; i++)
        {
            byte[] b = (byte[])good.Clone();
            for (int f = 0; f < 3; f++)
            {
                b[DhcpMessage.FixedLength + 4 + random.Next(b.Length - DhcpMessage.FixedLength - 4)] = (byte)random.Next(256);
            }

            Assert.DoesNotThrow(() => DhcpMessage.TryRead(b, 7, s_mac, out _, out _));
        }
    }

    [Test]
    public void ANakStartsOver()
    {
        var client = new DhcpClient(s_mac, 42);
        byte[] message = new byte[DhcpMessage.MaxClientMessage];
        client.Start(0, message);
        client.Receive(Reply(message, DhcpType.Offer), 0, message);
        int n = client.Receive(Reply(message, DhcpType.Nak), 0, message);
        Assert.That(client.State, Is.EqualTo(DhcpState.Selecting));
        Assert.That(OptionOf(message.AsSpan(0, n), 53, out ReadOnlySpan<byte> type) == 53 && type[0] == DhcpType.Discover, Is.True);
    }

    [Test]
    public void UnansweredMessagesAreRetriedWithBackoffThenTheClientGivesUp()
    {
        var client = new DhcpClient(s_mac, 42, maxTries: 4);
        byte[] message = new byte[DhcpMessage.MaxClientMessage];
        client.Start(0, message);
        var sentAt = new List<ulong> { 0 };
        for (ulong t = 0; t <= 200 * Second; t += Second / 2)
        {
            if (client.Tick(t, message) > 0)
            {
                sentAt.Add(t / Second);
            }
        }

        Assert.That(sentAt, Is.EqualTo(new ulong[] { 0, 4, 12, 28 }), "4 s, then 8, then 16");
        Assert.That(client.State, Is.EqualTo(DhcpState.Failed));
    }

    [Test]
    public void AtHalfTheLeaseItAsksToRenew()
    {
        var client = new DhcpClient(s_mac, 42);
        byte[] message = new byte[DhcpMessage.MaxClientMessage];
        client.Start(0, message);
        client.Receive(Reply(message, DhcpType.Offer), 0, message);
        client.Receive(Reply(message, DhcpType.Ack), 0, message);
        Assert.That(client.Tick(43_199 * Second, message), Is.Zero);
        int n = client.Tick(43_200 * Second, message);
        Assert.That(n, Is.GreaterThan(0));
        Assert.That(client.State, Is.EqualTo(DhcpState.Requesting));
        Assert.That(client.Lease, Is.Not.Null, "the lease holds while renewing");
        client.Receive(Reply(message, DhcpType.Ack), 43_201 * Second, message);
        Assert.That(client.State, Is.EqualTo(DhcpState.Bound));
    }
}
