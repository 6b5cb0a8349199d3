using System.Linq;
using System.Buffers.Binary;
using NexOS.Net;

namespace NexOS.Tests.Net;

[TestFixture]
public sealed class DnsTests
{
    // An answer to `query` with the given records after the echoed question: each record's
    // name is a pointer to the question's name (offset 12), as servers write it.
    internal static byte[] Answer(ReadOnlySpan<byte> query, int code, params (ushort Type, byte[] Data, uint Ttl)[] records)
    {
        var m = new List<byte>(query.ToArray());
        m[2] = 0x81;
        m[3] = (byte)(0x80 | code);
        m[6] = 0;
        m[7] = (byte)records.Length;
        foreach ((ushort type, byte[] data, uint ttl) in records)
        {
            m.AddRange(new byte[] { 0xC0, 12, 0, (byte)type, 0, 1 });
            byte[] t = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(t, ttl);
            m.AddRange(t);
            m.Add((byte)(data.Length >> 8));
            m.Add((byte)data.Length);
            m.AddRange(data);
        }

        return m.ToArray();
    }

    private static byte[] Query(string name, ushort id = 0x1234)
    {
        byte[] q = new byte[DnsMessage.MaxQuery];
        int n = DnsMessage.WriteQuery(q, id, name);
        Assert.That(n, Is.Positive);
        return q[..n];
    }

    [Test]
    public void AQueryIsWrittenAsTheWireWantsIt()
    {
        byte[] q = Query("nexos.example.");
        Assert.That(q[12..^4], Is.EqualTo(new byte[] { 5, (byte)'n', (byte)'e', (byte)'x', (byte)'o', (byte)'s', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0 }));
        Assert.That(q[^4..], Is.EqualTo(new byte[] { 0, 1, 0, 1 }));
        Assert.That(q[2], Is.EqualTo(1), "recursion desired");
    }

    [TestCase("")]
    [TestCase(".")]
    [TestCase("a..b")]
    [TestCase("-bad.example")]
    [TestCase("sp ace.example")]
    [TestCase("ünïcode.example")]
    public void BadNamesAreRefused(string name) =>
        Assert.That(DnsMessage.WriteQuery(new byte[DnsMessage.MaxQuery], 1, name), Is.EqualTo(-(int)DnsError.BadName));

    [Test]
    public void ALabelOrNameTooLongIsRefused()
    {
        Assert.That(DnsMessage.WriteQuery(new byte[DnsMessage.MaxQuery], 1, new string('a', 64) + ".x"), Is.EqualTo(-(int)DnsError.BadName));
        Assert.That(DnsMessage.WriteQuery(new byte[DnsMessage.MaxQuery], 1, string.Join('.', Enumerable.Repeat(new string('a', 60), 5))), Is.EqualTo(-(int)DnsError.BadName));
    }

    [Test]
    public void AddressesAreReadPastACnameWithTheSmallestTtl()
    {
        byte[] q = Query("nexos.example");
        byte[] a = Answer(q, 0, (5, new byte[] { 0xC0, 12 }, 30), (1, new byte[] { 10, 0, 2, 100 }, 300), (1, new byte[] { 10, 0, 2, 101 }, 60));
        Span<Ipv4Address> found = stackalloc Ipv4Address[4];
        Assert.That(DnsMessage.TryRead(a, 0x1234, found, out int n, out uint ttl), Is.EqualTo(DnsError.None));
        Assert.That(found[..n].ToArray(), Is.EqualTo(new[] { new Ipv4Address(0x0A000264), new Ipv4Address(0x0A000265) }));
        Assert.That(ttl, Is.EqualTo(60u));
    }

    [Test]
    public void ServerErrorsAndForeignAnswersSaySo()
    {
        byte[] q = Query("nexos.example");
        Span<Ipv4Address> found = stackalloc Ipv4Address[1];
        Assert.That(DnsMessage.TryRead(Answer(q, 3), 0x1234, found, out _, out _), Is.EqualTo(DnsError.NoSuchName));
        Assert.That(DnsMessage.TryRead(Answer(q, 2), 0x1234, found, out _, out _), Is.EqualTo(DnsError.ServerFailure));
        Assert.That(DnsMessage.TryRead(Answer(q, 0), 0x1234, found, out _, out _), Is.EqualTo(DnsError.NoAddress));
        Assert.That(DnsMessage.TryRead(Answer(q, 0, (1, new byte[] { 1, 2, 3, 4 }, 5)), 0x4321, found, out _, out _), Is.EqualTo(DnsError.NotOurs));
        Assert.That(DnsMessage.TryRead(q, 0x1234, found, out _, out _), Is.EqualTo(DnsError.NotOurs), "the query itself is no answer");
    }

    [Test]
    public void HostileAnswersAreMalformedNotLoopsOrOverreads()
    {
        byte[] q = Query("nexos.example");
        Span<Ipv4Address> found = stackalloc Ipv4Address[1];
        byte[] selfPointer = Answer(q, 0, (1, new byte[] { 1, 2, 3, 4 }, 5));
        selfPointer[q.Length + 1] = (byte)q.Length; // the answer's name points at itself
        Assert.That(DnsMessage.TryRead(selfPointer, 0x1234, found, out _, out _), Is.EqualTo(DnsError.Malformed));
        byte[] longData = Answer(q, 0, (1, new byte[] { 1, 2, 3, 4 }, 5));
        longData[^5] = 0x40; // rdlength far past the end
        Assert.That(DnsMessage.TryRead(longData, 0x1234, found, out _, out _), Is.EqualTo(DnsError.Malformed));
        byte[] manyAnswers = Answer(q, 0, (1, new byte[] { 1, 2, 3, 4 }, 5));
        manyAnswers[7] = 200;
        Assert.That(DnsMessage.TryRead(manyAnswers, 0x1234, found, out _, out _), Is.EqualTo(DnsError.Malformed));

        var random = new Random(29);
        byte[] good = Answer(q, 0, (5, new byte[] { 0xC0, 12 }, 30), (1, new byte[] { 10, 0, 2, 100 }, 300));
        for (int i = 0; i < 5000; i++)
        {
            byte[] b = good.AsSpan(0, random.Next(good.Length + 1)).ToArray();
            for (int f = random.Next(4); f > 0 && b.Length > 12; f--)
            {
                b[12 + random.Next(b.Length - 12)] = (byte)random.Next(256);
            }

            Assert.DoesNotThrow(() => DnsMessage.TryRead(b, 0x1234, new Ipv4Address[2], out _, out _));
        }
    }
}
