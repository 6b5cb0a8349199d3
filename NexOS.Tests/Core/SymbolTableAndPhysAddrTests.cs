using System.Text;
using NexOS.Core.Diagnostics;
using NexOS.Core.Memory;

namespace NexOS.Tests.Core;

[TestFixture]
public sealed class SymbolTableTests
{
    private static readonly byte[] s_table = Encoding.ASCII.GetBytes(
        "ffffffff80100000 _start\n" +
        "ffffffff80100400 NexOSMain\r\n" +
        "nonsense line\n" +
        "ffffffff80100200 EarlyInit\n" +
        "12345678901234567 TooLongAddress\n" +
        "ffffffff80100300\n" +
        "ffffffff80100800 \n" +
        "ffffffff80100600 Last");

    private static string? Find(ulong address)
    {
        return SymbolTable.Find(s_table, address, out ReadOnlySpan<byte> name, out _)
            ? Encoding.ASCII.GetString(name)
            : null;
    }

    [TestCase(0xffffffff80100000UL, "_start")]
    [TestCase(0xffffffff801001ffUL, "_start")]
    [TestCase(0xffffffff80100250UL, "EarlyInit")]
    [TestCase(0xffffffff80100400UL, "NexOSMain")]
    [TestCase(0xffffffff80100599UL, "NexOSMain")]
    [TestCase(0xffffffff80100900UL, "Last")]
    public void FindsTheClosestSymbolAtOrBelowTheAddressInAnUnsortedTable(ulong address, string expected)
    {
        Assert.That(Find(address), Is.EqualTo(expected));
    }

    [Test]
    public void AddressBelowEverySymbolFindsNothing()
    {
        Assert.That(Find(0x1000), Is.Null);
    }

    [Test]
    public void ReportsTheSymbolAddress()
    {
        Assert.That(SymbolTable.Find(s_table, 0xffffffff80100410, out _, out ulong symbolAddress), Is.True);
        Assert.That(symbolAddress, Is.EqualTo(0xffffffff80100400UL));
    }

    [Test]
    public void EmptyAndGarbageTablesFindNothing()
    {
        Assert.That(SymbolTable.Find(ReadOnlySpan<byte>.Empty, 1, out _, out _), Is.False);
        Assert.That(SymbolTable.Find("zz name\n xx\n\n\n"u8, ulong.MaxValue, out _, out _), Is.False);
    }

    [Test]
    public void UppercaseHexIsAccepted()
    {
        Assert.That(SymbolTable.Find("ABCDEF name"u8, 0xABCDEF, out ReadOnlySpan<byte> name, out _), Is.True);
        Assert.That(Encoding.ASCII.GetString(name), Is.EqualTo("name"));
    }

    [Test]
    public void RandomTablesNeverThrow()
    {
        var random = new Random(99);
        for (int i = 0; i < 2000; i++)
        {
            byte[] table = new byte[random.Next(0, 120)];
            random.NextBytes(table);
            Assert.DoesNotThrow(() => SymbolTable.Find(table, (ulong)random.NextInt64(), out _, out _));
        }
    }
}

[TestFixture]
public sealed class PhysAddrTests
{
    [Test]
    public void AlignsUpAndDown()
    {
        Assert.That(new PhysAddr(0x1001).AlignUp(0x1000), Is.EqualTo(new PhysAddr(0x2000)));
        Assert.That(new PhysAddr(0x1000).AlignUp(0x1000), Is.EqualTo(new PhysAddr(0x1000)));
        Assert.That(new PhysAddr(0x1FFF).AlignDown(0x1000), Is.EqualTo(new PhysAddr(0x1000)));
    }

    [Test]
    public void ArithmeticAndComparison()
    {
        var a = new PhysAddr(0x1000);
        Assert.That(a + 0x10, Is.EqualTo(new PhysAddr(0x1010)));
        Assert.That(new PhysAddr(0x3000) - a, Is.EqualTo(0x2000UL));
        Assert.That(a < new PhysAddr(0x1001), Is.True);
        Assert.That(a >= new PhysAddr(0x1000), Is.True);
        Assert.That(a.CompareTo(new PhysAddr(0x10)), Is.Positive);
        Assert.That(a.ToString(), Is.EqualTo("0x1000"));
    }

    [Test]
    public void RangesAreHalfOpen()
    {
        PhysRange r = PhysRange.FromLength(0x1000, 0x1000);
        Assert.That(r.Contains(new PhysAddr(0x1000)), Is.True);
        Assert.That(r.Contains(new PhysAddr(0x1FFF)), Is.True);
        Assert.That(r.Contains(new PhysAddr(0x2000)), Is.False);
        Assert.That(r.Length, Is.EqualTo(0x1000UL));
        Assert.That(r.ToString(), Is.EqualTo("[0x1000, 0x2000)"));
    }

    [Test]
    public void InvertedRangeIsEmptyWithZeroLength()
    {
        var r = new PhysRange(new PhysAddr(0x2000), new PhysAddr(0x1000));
        Assert.That(r.IsEmpty, Is.True);
        Assert.That(r.Length, Is.Zero);
        Assert.That(r.Contains(new PhysAddr(0x1800)), Is.False);
    }

    [Test]
    public void FromLengthSaturatesInsteadOfWrapping()
    {
        PhysRange r = PhysRange.FromLength(ulong.MaxValue - 10, 100);
        Assert.That(r.End.Value, Is.EqualTo(ulong.MaxValue));
        Assert.That(r.Length, Is.EqualTo(10UL));
    }
}
