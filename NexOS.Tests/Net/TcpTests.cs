using System.Buffers.Binary;
using NexOS.Net;

namespace NexOS.Tests.Net;

[TestFixture]
public sealed class TcpTests
{
    private static readonly Ipv4Address s_a = new(0x0A00020F);
    private static readonly Ipv4Address s_b = new(0x0A000202);

    [Test]
    public void SequenceNumbersCompareAcrossTheWrap()
    {
        var near = new SeqNum(0xFFFF_FFF0);
        SeqNum past = near + 0x20;
        Assert.That(past.Value, Is.EqualTo(0x10u));
        Assert.That(past > near, Is.True);
        Assert.That(near < past, Is.True);
        Assert.That(past - near, Is.EqualTo(0x20));
        Assert.That(near - past, Is.EqualTo(-0x20));
        Assert.That(new SeqNum(5).Within(near, 0x20), Is.True);
        Assert.That(new SeqNum(0x10).Within(near, 0x20), Is.False, "the end is outside");
        Assert.That(new SeqNum(0xFFFF_FFEF).Within(near, 0x20), Is.False);
    }

    [Test]
    public void ASynWithEveryOptionRoundTrips()
    {
        var options = new TcpOptions(1460, true, 7, true, true, 12345, 0);
        var syn = new TcpHeader(40000, 80, new SeqNum(0xDEADBEEF), new SeqNum(0), TcpFlags.Syn, 65535, 0, options);
        byte[] segment = new byte[20 + options.Length];
        int length = syn.Write(segment, 0, s_a, s_b);
        Assert.That(length, Is.EqualTo(20 + 20), "4 + 3 + 2 + 10 bytes of options, padded to 20");
        Assert.That(TcpHeader.TryRead(segment, s_a, s_b, out TcpHeader back, out ReadOnlySpan<byte> payload), Is.EqualTo(TcpError.None));
        Assert.That(back with { HeaderLength = 0 }, Is.EqualTo(syn));
        Assert.That(back.HeaderLength, Is.EqualTo(40));
        Assert.That(payload.Length, Is.Zero);
    }

    [Test]
    public void DataAndAcknowledgmentsRoundTripWithoutOptions()
    {
        byte[] segment = new byte[20 + 5];
        "hello"u8.CopyTo(segment.AsSpan(20));
        var header = new TcpHeader(80, 40000, new SeqNum(1), new SeqNum(0xDEADBEF0), TcpFlags.Ack | TcpFlags.Psh, 1024, 0, default);
        Assert.That(header.Write(segment, 5, s_b, s_a), Is.EqualTo(25));
        Assert.That(TcpHeader.TryRead(segment, s_b, s_a, out TcpHeader back, out ReadOnlySpan<byte> payload), Is.EqualTo(TcpError.None));
        Assert.That(back.Has(TcpFlags.Psh) && back.Has(TcpFlags.Ack) && !back.Has(TcpFlags.Syn), Is.True);
        Assert.That(payload.ToArray(), Is.EqualTo("hello"u8.ToArray()));
        Assert.That(TcpHeader.TryRead(segment, s_b, new Ipv4Address(0x0A000203), out _, out _), Is.EqualTo(TcpError.BadChecksum), "the pseudo-header's addresses count");
    }

    private static byte[] Segment(Action<byte[]> change, int optionBytes = 0)
    {
        byte[] s = new byte[20 + optionBytes];
        new TcpHeader(40000, 80, new SeqNum(1), new SeqNum(0), TcpFlags.Syn, 100, 0, default).Write(s, optionBytes, s_a, s_b);
        change(s);
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(16), 0);
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(16), InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.PseudoHeader(s_a, s_b, IpProtocol.Tcp, s.Length), s)));
        return s;
    }

    [Test]
    public void HostileSegmentsAreRefusedWithTheReason()
    {
        Assert.That(TcpHeader.TryRead(new byte[19], s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadHeader));
        Assert.That(TcpHeader.TryRead(Segment(s => s[12] = 0x40), s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadHeader), "data offset 4");
        Assert.That(TcpHeader.TryRead(Segment(s => s[12] = 0xF0), s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadHeader), "data offset past the segment");
        Assert.That(TcpHeader.TryRead(Segment(s => s[13] = 0x03), s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadFlags), "SYN and FIN");
        Assert.That(TcpHeader.TryRead(Segment(s => s[13] = 0x06), s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadFlags), "SYN and RST");
        Assert.That(TcpHeader.TryRead(Segment(s => { s[2] = 0; s[3] = 0; }), s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadFlags), "port 0");
        Assert.That(TcpHeader.TryRead(Segment(s => { s[12] = 0x60; s[20] = 2; s[21] = 40; }, 4), s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadOptions), "an option longer than the header");
        Assert.That(TcpHeader.TryRead(Segment(s => { s[12] = 0x60; s[20] = 5; s[21] = 1; }, 4), s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadOptions), "an option length of 1");
        Assert.That(TcpHeader.TryRead(Segment(s => { s[12] = 0x60; s[20] = 2; s[21] = 3; s[22] = 1; s[23] = 0; }, 4), s_a, s_b, out _, out _), Is.EqualTo(TcpError.BadOptions), "an MSS of the wrong length");
        Assert.That(TcpHeader.TryRead(Segment(s => { s[12] = 0x60; s[20] = 3; s[21] = 3; s[22] = 200; s[23] = 0; }, 4), s_a, s_b, out TcpHeader big, out _), Is.EqualTo(TcpError.None));
        Assert.That(big.Options.WindowScale, Is.EqualTo(TcpOptions.MaxWindowScale), "a scale over 14 is taken as 14");
    }

    [Test]
    public void RandomSegmentsNeverThrow()
    {
        var random = new Random(31);
        var options = new TcpOptions(1460, true, 7, true, true, 1, 2);
        byte[] good = new byte[20 + options.Length + 16];
        new TcpHeader(1, 2, new SeqNum(3), new SeqNum(4), TcpFlags.Syn, 5, 0, options).Write(good, 16, s_a, s_b);
        for (int i = 0; i < 5000; i++)
        {
            byte[] b = good.AsSpan(0, random.Next(good.Length + 1)).ToArray();
            for (int f = random.Next(4); f > 0 && b.Length > 0; f--)
            {
                b[random.Next(b.Length)] = (byte)random.Next(256);
            }

            Assert.DoesNotThrow(() => TcpHeader.TryRead(b, s_a, s_b, out _, out _));
        }
    }
}
