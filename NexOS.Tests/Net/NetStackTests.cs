using System.Linq;
using NexOS.Net;

namespace NexOS.Tests.Net;

/// <summary>The network service's core against a model of QEMU's user network: DHCP, pings,
/// name lookups, their timeouts and limits, and hostile answers.</summary>
[TestFixture]
public sealed class NetStackTests
{
    private const ulong Ms = 1_000_000, Second = 1_000_000_000;
    private static readonly MacAddress s_mac = new(0x5254_0012_3456);

    private static (NetStack Stack, FakeSlirp Lan) Bound(ulong now = Second)
    {
        var lan = new FakeSlirp();
        var stack = new NetStack(s_mac, lan, 12345);
        stack.StartDhcp(now);
        for (int i = 0; i < 3; i++)
        {
            lan.Deliver(stack, now);
        }

        Assert.That((stack.Dhcp.State, stack.Interface.Address), Is.EqualTo((DhcpState.Bound, FakeSlirp.Guest)));
        return (stack, lan);
    }

    private static List<NetCompletion> Drain(NetStack stack)
    {
        var done = new List<NetCompletion>();
        while (stack.TryTakeCompletion(out NetCompletion c))
        {
            done.Add(c);
        }

        return done;
    }

    [Test]
    public void DhcpConfiguresTheInterfaceAndTheNameServerAndWakesWaiters()
    {
        var lan = new FakeSlirp();
        var stack = new NetStack(s_mac, lan, 1);
        stack.StartDhcp(Second);
        Assert.That(stack.WaitForAddress(7, 10 * Second, Second), Is.EqualTo(NetStatus.Ok));
        Assert.That(Drain(stack), Is.Empty, "no address yet");
        lan.Deliver(stack, Second);
        lan.Deliver(stack, Second);
        Assert.That(stack.Interface.Address, Is.EqualTo(FakeSlirp.Guest));
        Assert.That((stack.Interface.PrefixLength, stack.Interface.Gateway, stack.DnsServers), Is.EqualTo((24, FakeSlirp.Gateway, new[] { FakeSlirp.Dns })));
        Assert.That(Drain(stack), Is.EqualTo(new[] { new NetCompletion(7, NetStatus.Ok, FakeSlirp.Guest.Value, 0) }));
        Assert.That(stack.LeaseLeftNs, Is.EqualTo(86400 * Second));
        Assert.That(stack.WaitForAddress(8, Second, 2 * Second), Is.EqualTo(NetStatus.Ok));
        Assert.That(Drain(stack).Single().Token, Is.EqualTo(8), "bound already: at once");
    }

    [Test]
    public void AWaitForAnAddressTimesOutWhenNoServerAnswers()
    {
        var lan = new FakeSlirp { DropEverything = true };
        var stack = new NetStack(s_mac, lan, 1);
        stack.StartDhcp(0);
        Assert.That(stack.WaitForAddress(3, 2 * Second, 0), Is.EqualTo(NetStatus.Ok));
        stack.Tick(Second);
        Assert.That(Drain(stack), Is.Empty);
        stack.Tick(2 * Second);
        Assert.That(Drain(stack), Is.EqualTo(new[] { new NetCompletion(3, NetStatus.TimedOut, 0, 0) }));
        Assert.That(stack.WaitForAddress(4, 0, 0), Is.EqualTo(NetStatus.BadArgument));
    }

    [Test]
    public void APingOfTheGatewayComesBackWithItsRoundTrip()
    {
        (NetStack stack, FakeSlirp lan) = Bound();
        Assert.That(stack.StartPing(5, FakeSlirp.Gateway, 1, 56, Second, 2 * Second), Is.EqualTo(NetStatus.Ok));
        stack.Receive(lan.Outbox.Dequeue(), 2 * Second); // the ARP reply releases the held request
        lan.Deliver(stack, (2 * Second) + (3 * Ms));
        Assert.That(Drain(stack), Is.EqualTo(new[] { new NetCompletion(5, NetStatus.Ok, 3 * Ms, 0) }));
    }

    [Test]
    public void AnUnansweredPingTimesOutAndAStrayReplyIsIgnored()
    {
        (NetStack stack, FakeSlirp lan) = Bound();
        lan.AnswerPings = false;
        Assert.That(stack.StartPing(5, FakeSlirp.Gateway, 9, 0, Second, 2 * Second), Is.EqualTo(NetStatus.Ok));
        lan.Deliver(stack, 2 * Second);
        byte[] stray = new byte[IcmpEcho.HeaderLength];
        new IcmpEcho(false, 0xBEEF, 9).Write(stray, 0);
        stack.Receive(FakeSlirp.IpFrame(s_mac, FakeSlirp.Gateway, FakeSlirp.Guest, IpProtocol.Icmp, stray), 2 * Second);
        Assert.That(Drain(stack), Is.Empty, "another identifier");
        stack.Tick(3 * Second);
        Assert.That(Drain(stack), Is.EqualTo(new[] { new NetCompletion(5, NetStatus.TimedOut, 0, 0) }));
    }

    [Test]
    public void PingsAreBoundedAndCheckedBeforeAnythingIsSent()
    {
        (NetStack stack, FakeSlirp lan) = Bound();
        Assert.That(stack.StartPing(100, FakeSlirp.Gateway, 100, 0, Second, Second), Is.EqualTo(NetStatus.Ok));
        lan.Deliver(stack, Second);
        Assert.That(Drain(stack).Single().Status, Is.EqualTo(NetStatus.Ok));
        lan.AnswerPings = false;
        int before = lan.Seen.Count;
        Assert.That(stack.StartPing(1, FakeSlirp.Gateway, 1, NetStack.MaxPingData + 1, Second, Second), Is.EqualTo(NetStatus.BadArgument));
        Assert.That(stack.StartPing(1, Ipv4Address.Broadcast, 1, 0, Second, Second), Is.EqualTo(NetStatus.BadArgument));
        Assert.That(stack.StartPing(1, FakeSlirp.Gateway, 1, 0, 0, Second), Is.EqualTo(NetStatus.BadArgument));
        Assert.That(stack.StartPing(0, FakeSlirp.Gateway, 1, 0, Second, Second), Is.EqualTo(NetStatus.BadArgument));
        Assert.That(lan.Seen.Count, Is.EqualTo(before));
        for (int i = 0; i < NetStack.MaxPings; i++)
        {
            Assert.That(stack.StartPing(i + 1, FakeSlirp.Gateway, (ushort)i, 0, Second, Second), Is.EqualTo(NetStatus.Ok));
        }

        Assert.That(stack.StartPing(99, FakeSlirp.Gateway, 99, 0, Second, Second), Is.EqualTo(NetStatus.Busy));
        stack.Cancel(3);
        Assert.That(stack.StartPing(99, FakeSlirp.Gateway, 99, 0, Second, Second), Is.EqualTo(NetStatus.Ok), "a cancelled ping frees its place");
    }

    [Test]
    public void WithoutAnAddressPingsAndLookupsAreRefused()
    {
        var stack = new NetStack(s_mac, new FakeSlirp(), 1);
        Assert.That(stack.StartPing(1, FakeSlirp.Gateway, 1, 0, Second, 0), Is.EqualTo(NetStatus.NotConfigured));
        Assert.That(stack.StartResolve(1, "nexos.test", Ipv4Address.Any, Second, 0), Is.EqualTo(NetStatus.NotConfigured));
    }

    [Test]
    public void ANameIsResolvedThroughTheLeasesServer()
    {
        (NetStack stack, FakeSlirp lan) = Bound();
        Assert.That(stack.StartResolve(4, "nexos.test", Ipv4Address.Any, 5 * Second, 2 * Second), Is.EqualTo(NetStatus.Ok));
        lan.Deliver(stack, 2 * Second);
        lan.Deliver(stack, 2 * Second);
        Assert.That(Drain(stack), Is.EqualTo(new[] { new NetCompletion(4, NetStatus.Ok, FakeSlirp.Named.Value, 300) }));
        Assert.That(stack.StartResolve(5, "nowhere.test", Ipv4Address.Any, 5 * Second, 2 * Second), Is.EqualTo(NetStatus.Ok));
        lan.Deliver(stack, 2 * Second);
        Assert.That(Drain(stack), Is.EqualTo(new[] { new NetCompletion(5, NetStatus.NotFound, 0, 0) }));
    }

    [Test]
    public void AnUnansweredLookupIsAskedAgainEverySecondThenTimesOut()
    {
        (NetStack stack, FakeSlirp lan) = Bound();
        lan.AnswerDns = false;
        Assert.That(stack.StartResolve(4, "nexos.test", Ipv4Address.Any, 3500 * Ms, 0), Is.EqualTo(NetStatus.Ok));
        lan.Deliver(stack, 0);
        for (ulong t = 500 * Ms; t <= 3500 * Ms; t += 500 * Ms)
        {
            stack.Tick(t);
            lan.Deliver(stack, t);
        }

        Assert.That(lan.DnsQueries, Is.EqualTo(4), "at 0, 1, 2 and 3 s");
        Assert.That(Drain(stack), Is.EqualTo(new[] { new NetCompletion(4, NetStatus.TimedOut, 0, 0) }));
    }

    [Test]
    public void ForgedOrGarbageAnswersDoNotEndALookup()
    {
        (NetStack stack, FakeSlirp lan) = Bound();
        lan.AnswerDns = false;
        Assert.That(stack.StartResolve(4, "nexos.test", Ipv4Address.Any, 5 * Second, 0), Is.EqualTo(NetStatus.Ok));
        lan.Deliver(stack, 0);
        byte[] query = lan.Seen[^1][(14 + 20 + 8)..];
        ushort port = (ushort)((lan.Seen[^1][14 + 20] << 8) | lan.Seen[^1][14 + 21]);
        byte[] answer = DnsTests.Answer(query, 0, (1, [6, 6, 6, 6], 1));
        stack.Receive(FakeSlirp.UdpFrame(s_mac, new Ipv4Address(0x06060606), FakeSlirp.Guest, 53, port, answer), 0);
        stack.Receive(FakeSlirp.UdpFrame(s_mac, FakeSlirp.Dns, FakeSlirp.Guest, 53, port, [1, 2, 3]), 0);
        byte[] wrongId = (byte[])answer.Clone();
        wrongId[0] ^= 0xFF;
        stack.Receive(FakeSlirp.UdpFrame(s_mac, FakeSlirp.Dns, FakeSlirp.Guest, 53, port, wrongId), 0);
        Assert.That(Drain(stack), Is.Empty);
        stack.Receive(FakeSlirp.UdpFrame(s_mac, FakeSlirp.Dns, FakeSlirp.Guest, 53, port, answer), 0);
        Assert.That(Drain(stack), Is.EqualTo(new[] { new NetCompletion(4, NetStatus.Ok, 0x06060606UL, 1) }));
    }

    [TestCase("")]
    [TestCase("a..b")]
    [TestCase("bad name")]
    public void BadNamesAreRefused(string name)
    {
        (NetStack stack, _) = Bound();
        Assert.That(stack.StartResolve(1, name, Ipv4Address.Any, Second, 0), Is.EqualTo(NetStatus.BadArgument));
    }

    [Test]
    public void AStaticAddressEndsDhcpAndNeedsANameServerForLookups()
    {
        var lan = new FakeSlirp();
        var stack = new NetStack(s_mac, lan, 1);
        Assert.That(stack.Configure(new Ipv4Address(0x0A00020A), 24, FakeSlirp.Gateway, Ipv4Address.Any), Is.EqualTo(NetStatus.Ok));
        Assert.That(stack.UsesDhcp, Is.False);
        Assert.That(stack.StartResolve(1, "nexos.test", Ipv4Address.Any, Second, 0), Is.EqualTo(NetStatus.NoServer));
        Assert.That(stack.Configure(Ipv4Address.Broadcast, 24, FakeSlirp.Gateway, Ipv4Address.Any), Is.EqualTo(NetStatus.BadArgument));
        Assert.That(stack.Configure(new Ipv4Address(0x0A00020A), 24, new Ipv4Address(0x0B000001), Ipv4Address.Any), Is.EqualTo(NetStatus.BadArgument), "a gateway outside the subnet");
    }

    [Test]
    public void TheProtocolsStatusesAreTheStacksUnderTheSameNumbers()
    {
        // The service passes a NetStatus on as a NetProtocol.Status by number.
        foreach (NetStatus status in Enum.GetValues<NetStatus>())
        {
            Assert.That(Enum.GetName((NexOS.Abi.NetProtocol.Status)(ulong)status), Is.EqualTo(status.ToString()), status.ToString());
        }
    }

    [Test]
    public void RandomFramesNeverBreakTheStack()
    {
        (NetStack stack, FakeSlirp lan) = Bound();
        var random = new Random(5);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] frame = lan.Seen[random.Next(lan.Seen.Count)].ToArray();
            if (frame.Length < 60)
            {
                Array.Resize(ref frame, 60);
            }

            s_mac.Write(frame);
            int flips = random.Next(1, 6);
            for (int f = 0; f < flips; f++)
            {
                frame[random.Next(frame.Length)] = (byte)random.Next(256);
            }

            stack.Receive(frame.AsSpan(0, random.Next(1, frame.Length + 1)), Second);
        }

        stack.Tick(2 * Second);
        Assert.That(stack.Interface.Address, Is.EqualTo(FakeSlirp.Guest));
        Assert.That(stack.StartPing(1, FakeSlirp.Gateway, 1, 8, Second, 2 * Second), Is.EqualTo(NetStatus.Ok));
    }
}
