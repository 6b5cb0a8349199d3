using NexOS.Net;

namespace NexOS.Tests.Net;

[TestFixture]
public sealed class Ipv4ReassemblyTests
{
    private const ulong Second = 1_000_000_000;
    private static readonly Ipv4Address s_from = new(0x0A000202);
    private static readonly Ipv4Address s_to = new(0x0A00020F);

    private static Ipv4Header Fragment(int offset, int length, bool more, ushort id = 9) =>
        new(20, 20 + length, id, false, more, offset, 64, IpProtocol.Udp, s_from, s_to);

    private static byte[] Payload(int length)
    {
        byte[] p = new byte[length];
        new Random(length).NextBytes(p);
        return p;
    }

    [Test]
    public void FragmentsInAnyOrderMakeTheDatagram()
    {
        var r = new Ipv4Reassembly();
        byte[] whole = Payload(3000);
        Assert.That(r.Add(Fragment(2960, 40, more: false), whole.AsSpan(2960), 0, out _), Is.EqualTo(ReassemblyResult.Incomplete));
        Assert.That(r.Add(Fragment(0, 1480, more: true), whole.AsSpan(0, 1480), 0, out _), Is.EqualTo(ReassemblyResult.Incomplete));
        Assert.That(r.Add(Fragment(1480, 1480, more: true), whole.AsSpan(1480, 1480), 0, out ReadOnlySpan<byte> datagram), Is.EqualTo(ReassemblyResult.Complete));
        Assert.That(datagram.ToArray(), Is.EqualTo(whole));
        Assert.That(r.InProgress, Is.Zero);
    }

    [Test]
    public void AnExactRepeatIsAcceptedButChangedBytesDropTheDatagram()
    {
        var r = new Ipv4Reassembly();
        byte[] whole = Payload(2000);
        r.Add(Fragment(0, 1000, true), whole.AsSpan(0, 1000), 0, out _);
        Assert.That(r.Add(Fragment(0, 1000, true), whole.AsSpan(0, 1000), 0, out _), Is.EqualTo(ReassemblyResult.Incomplete), "a retransmitted fragment");
        byte[] forged = whole.AsSpan(496, 1000).ToArray();
        forged[10] ^= 1;
        Assert.That(r.Add(Fragment(496, 1000, true), forged, 0, out _), Is.EqualTo(ReassemblyResult.Overlap));
        Assert.That(r.InProgress, Is.Zero, "the whole datagram is gone");
    }

    [Test]
    public void BadFragmentsAreRefused()
    {
        var r = new Ipv4Reassembly();
        Assert.That(r.Add(Fragment(65_000, 1000, false), new byte[1000], 0, out _), Is.EqualTo(ReassemblyResult.BadFragment), "past 64 KiB");
        Assert.That(r.Add(Fragment(0, 1001, true), new byte[1001], 0, out _), Is.EqualTo(ReassemblyResult.BadFragment), "a middle fragment not a multiple of 8");
        r.Add(Fragment(1000, 100, false), new byte[100], 0, out _);
        Assert.That(r.Add(Fragment(1096, 16, true), new byte[16], 0, out _), Is.EqualTo(ReassemblyResult.BadFragment), "past the end the last fragment set");
        r.Add(Fragment(2000, 800, true, id: 3), new byte[800], 0, out _);
        Assert.That(r.Add(Fragment(1000, 8, false, id: 3), new byte[8], 0, out _), Is.EqualTo(ReassemblyResult.BadFragment), "a last fragment before bytes already received");
    }

    [Test]
    public void UnfinishedDatagramsTimeOutAndAFloodCannotHoldMoreThanTheSlots()
    {
        var r = new Ipv4Reassembly(slots: 4, timeoutNs: 30 * Second);
        for (ushort id = 0; id < 100; id++)
        {
            r.Add(Fragment(0, 8, true, id), new byte[8], id, out _);
        }

        Assert.That(r.InProgress, Is.EqualTo(4));
        Assert.That(r.Expired, Is.EqualTo(96UL));
        r.Add(Fragment(0, 8, true, 500), new byte[8], 31 * Second, out _);
        Assert.That(r.InProgress, Is.EqualTo(1), "the old ones timed out");
    }
}
