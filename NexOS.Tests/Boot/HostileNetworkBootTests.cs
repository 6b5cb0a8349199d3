using System.Buffers.Binary;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using NexOS.Net;
using NexOS.Tests.Net;

namespace NexOS.Tests.Boot;

/// <summary>
/// The network stack under hostile traffic, played by the test itself through QEMU's dgram back
/// end (loopback only): garbage, truncated and mis-summed headers, overlapping fragments, stray
/// TCP segments and a SYN flood. The stack, its driver and the kernel carry on, memory stays
/// bounded, and the stack, killed, is started again by init with programs' sockets failing
/// cleanly.
/// </summary>
[TestFixture]
[Category("Boot")]
public sealed class HostileNetworkBootTests : BootFixture
{
    private static readonly TimeSpan s_network = TimeSpan.FromSeconds(40);
    private static readonly Ipv4Address s_guest = FakeSlirp.Guest;

    [Test]
    [CancelAfter(3 * TestBudget)]
    public void HostileFramesNeverStopTheStackAndMemoryStaysBounded()
    {
        using var lan = new DatagramLan();
        QemuMachine machine = Boot(new QemuOptions { Nic = "virtio-net-pci", NicBackend = lan.Backend });
        AwaitNetwork(machine, s_network);
        Assert.That(RunCommand(machine, "ping -c 1 10.0.2.2", s_network)[^1], Is.EqualTo("1 packets sent, 1 received, 0% lost"));
        long before = UsedMemory(machine);

        var random = new Random(7);
        int sent = 0;
        foreach (byte[] frame in Hostile(random))
        {
            lan.Send(frame);
            if (++sent % 100 == 0)
            {
                Thread.Sleep(5); // the guest's receive ring holds 128; a flood faster than it drains only loses frames
            }
        }

        Thread.Sleep(2000);
        List<string> ping = RunCommand(machine, "ping -c 3 10.0.2.2", s_network);
        Assert.That(ping[^1], Is.EqualTo("3 packets sent, 3 received, 0% lost"), string.Join("\n", ping));
        List<string> netstat = RunCommand(machine, "netstat");
        Assert.That(netstat, Has.Some.Match(@"^\s+[1-9]\d* dropped malformed$"), string.Join("\n", netstat));
        TestContext.Out.WriteLine($"{sent} hostile frames; the stack's counters after them:\n{string.Join("\n", netstat)}");
        long after = UsedMemory(machine);
        Assert.That(after - before, Is.LessThan(16L << 20), $"memory in use went from {before} to {after} bytes after {sent} hostile frames");
        Assert.That(machine.Log, Does.Not.Contain("panic").And.Not.Contain("ended with code"), "no service died");
        Assert.That(RunCommand(machine, "ifconfig")[0], Is.EqualTo("eth0: 52:54:00:12:34:56, link up"));
    }

    [Test]
    [CancelAfter(2 * TestBudget)]
    public void AKilledStackIsStartedAgainAndGetsItsAddressBack()
    {
        using var lan = new DatagramLan();
        QemuMachine machine = Boot(new QemuOptions { Nic = "virtio-net-pci", NicBackend = lan.Backend });
        AwaitNetwork(machine, s_network);
        string ps = string.Join("\n", RunCommand(machine, "ps"));
        Match net = Regex.Match(ps, @"(?m)^\s+(\d+) net\s");
        Assert.That(net.Success, Is.True, ps);
        int leases = Regex.Matches(machine.Log, @"net: address 10\.0\.2\.15/24").Count;
        RunCommand(machine, $"kill {net.Groups[1].Value}");
        DateTime end = DateTime.UtcNow + s_network;
        while (Regex.Matches(machine.Log, @"net: address 10\.0\.2\.15/24").Count == leases && DateTime.UtcNow < end)
        {
            Thread.Sleep(200);
        }

        Assert.That(Regex.Matches(machine.Log, @"net: address 10\.0\.2\.15/24").Count, Is.EqualTo(leases + 1), "init started the stack again and it leased the address again:\n" + machine.Log);
        // httpd and patchnet find their sockets gone, end, and are started again by init; their
        // lines come while the shell waits, so the next command waits for them.
        foreach (string again in new[] { "httpd: serving the dashboard on port 80", "patchnet: taking patches on TCP port 7070" })
        {
            while (Regex.Matches(machine.Log, Regex.Escape(again)).Count < 2 && DateTime.UtcNow < end)
            {
                Thread.Sleep(200);
            }

            Assert.That(Regex.Matches(machine.Log, Regex.Escape(again)).Count, Is.EqualTo(2), again + " again:\n" + machine.Log);
        }

        Thread.Sleep(500);
        Assert.That(RunCommand(machine, "ping -c 1 10.0.2.2", s_network)[^1], Is.EqualTo("1 packets sent, 1 received, 0% lost"));
    }

    private static long UsedMemory(QemuMachine machine)
    {
        string mem = string.Join("\n", RunCommand(machine, "mem"));
        Match used = Regex.Match(mem, @"used .*\((\d+) bytes\)");
        Assert.That(used.Success, Is.True, mem);
        return long.Parse(used.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    // Every kind of frame a hostile network sends, from a seeded source.
    private static IEnumerable<byte[]> Hostile(Random random)
    {
        MacAddress me = DatagramLan.GuestMac;
        for (int i = 0; i < 1500; i++)
        {
            // Garbage, some of it addressed to the guest.
            byte[] junk = new byte[random.Next(1, 1600)];
            random.NextBytes(junk);
            if (junk.Length >= 6 && random.Next(2) == 0)
            {
                me.Write(junk);
            }

            yield return junk;
        }

        for (int i = 0; i < 1500; i++)
        {
            // IPv4 to the guest with damage in a header or a checksum, or cut short.
            byte[] frame = FakeSlirp.IpFrame(me, new Ipv4Address(0x0A000200u + (uint)random.Next(3, 250)), s_guest, (byte)random.Next(256), Payload(random, random.Next(0, 200)));
            frame[14 + random.Next(frame.Length - 14)] ^= (byte)random.Next(1, 256);
            yield return frame.AsSpan(0, random.Next(14, frame.Length + 1)).ToArray();
        }

        for (int i = 0; i < 300; i++)
        {
            // Fragments that overlap, repeat with other bytes, or run past 64 KiB.
            ushort id = (ushort)random.Next(65536);
            for (int f = 0; f < 4; f++)
            {
                int offset = random.Next(0, 8200) / 8;
                yield return Fragment(me, id, offset, more: f < 3, Payload(random, 8 * random.Next(1, 60)));
            }
        }

        for (int i = 0; i < 3000; i++)
        {
            // A SYN flood at the dashboard's port from addresses that never answer.
            yield return Segment(me, new Ipv4Address(0x0A000200u + (uint)random.Next(20, 250)), (ushort)random.Next(1024, 65535), 80, TcpFlags.Syn, (uint)random.Next(), 0, 65535);
        }

        for (int i = 0; i < 1000; i++)
        {
            // Segments for no connection, with any flags, and zero windows.
            var flags = (TcpFlags)(random.Next(64) & ~0x06) | (random.Next(2) == 0 ? TcpFlags.Ack : 0);
            yield return Segment(me, FakeSlirp.Gateway, (ushort)random.Next(1, 65535), random.Next(2) == 0 ? (ushort)80 : (ushort)7070, flags, (uint)random.Next(), (uint)random.Next(), 0);
        }
    }

    private static byte[] Payload(Random random, int length)
    {
        byte[] data = new byte[length];
        random.NextBytes(data);
        return data;
    }

    private static byte[] Fragment(MacAddress to, ushort id, int offsetBlocks, bool more, byte[] data)
    {
        byte[] frame = FakeSlirp.IpFrame(to, FakeSlirp.Gateway, s_guest, IpProtocol.Udp, data);
        Span<byte> ip = frame.AsSpan(14, 20);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], (ushort)((more ? 0x2000 : 0) | (offsetBlocks & 0x1FFF)));
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip));
        return frame;
    }

    private static byte[] Segment(MacAddress to, Ipv4Address from, ushort fromPort, ushort toPort, TcpFlags flags, uint seq, uint ack, ushort window)
    {
        byte[] segment = new byte[TcpHeader.MinimumLength];
        new TcpHeader(fromPort, toPort, new SeqNum(seq), new SeqNum(ack), flags, window, TcpHeader.MinimumLength, default).Write(segment, 0, from, s_guest);
        return FakeSlirp.IpFrame(to, from, s_guest, IpProtocol.Tcp, segment);
    }
}
