using System.Buffers.Binary;
using System.Linq;
using NexOS.Core.Acpi;

namespace NexOS.Tests.Core.Acpi;

[TestFixture]
public sealed class McfgTests
{
    [Test]
    public void ParsesQemuQ35Table()
    {
        Mcfg mcfg = Mcfg.Parse(Build(Entry(0xB000_0000, 0, 0, 0xFF)));
        Assert.That(mcfg.Error, Is.Null);
        Assert.That(mcfg.Entries, Is.EqualTo(new[] { new McfgEntry(0xB000_0000, 0, 0, 0xFF) }));
        Assert.That(mcfg.Entries[0].Length, Is.EqualTo(256UL << 20));
        Assert.That(mcfg.Find(0, 0x80), Is.EqualTo(mcfg.Entries[0]));
        Assert.That(mcfg.Find(1, 0), Is.Null);
    }

    [Test]
    public void WindowStartingAtALaterBus()
    {
        Mcfg mcfg = Mcfg.Parse(Build(Entry(0xE000_0000, 0, 0, 0x3F), Entry(0x1_0000_0000, 1, 0x40, 0x7F)));
        McfgEntry second = mcfg.Find(1, 0x40)!.Value;
        Assert.That(second.FirstBusAddress, Is.EqualTo(0x1_0000_0000UL + (0x40UL << 20)));
        Assert.That(second.Length, Is.EqualTo(64UL << 20));
        Assert.That(mcfg.Find(1, 0x3F), Is.Null);
    }

    [Test]
    public void NonsenseEntriesAreSkippedAndCounted()
    {
        Mcfg mcfg = Mcfg.Parse(Build(
            Entry(0xB000_0000, 0, 5, 4),
            Entry(0xB000_1000, 0, 0, 1),
            Entry(0xFFFF_FFFF_FFF0_0000, 0, 0, 1),
            Entry(0xC000_0000, 2, 0, 0)));
        Assert.That(mcfg.RejectedEntries, Is.EqualTo(3));
        Assert.That(mcfg.Entries, Is.EqualTo(new[] { new McfgEntry(0xC000_0000, 2, 0, 0) }));
    }

    [Test]
    public void WrongSignatureTruncationAndFragmentsAreReported()
    {
        byte[] table = Build(Entry(0xB000_0000, 0, 0, 0xFF));
        Assert.That(Mcfg.Parse(table.AsSpan(0, table.Length - 1)).Error, Does.Contain("does not fit"));
        Assert.That(Mcfg.Parse(ReadOnlySpan<byte>.Empty).Error, Does.Contain("not an MCFG"));
        table[0] = (byte)'X';
        Assert.That(Mcfg.Parse(table).Error, Does.Contain("not an MCFG"));

        byte[] odd = Build(Entry(0xB000_0000, 0, 0, 0xFF), new byte[5]);
        Mcfg mcfg = Mcfg.Parse(odd);
        Assert.That(mcfg.Error, Does.Contain("multiple of 16"));
        Assert.That(mcfg.Entries, Has.Count.EqualTo(1), "the whole entry is kept");
    }

    [Test]
    public void EntryCountIsBounded()
    {
        var entries = new byte[Mcfg.MaxEntries + 10][];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = Entry(0xB000_0000, (ushort)i, 0, 0);
        }

        Mcfg mcfg = Mcfg.Parse(Build(entries));
        Assert.That(mcfg.Entries, Has.Count.EqualTo(Mcfg.MaxEntries));
        Assert.That(mcfg.Error, Does.Contain("more than"));
    }

    [Test]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(11);
        for (int i = 0; i < 3000; i++)
        {
            byte[] table = Build(Entry(0xB000_0000, 0, 0, 0xFF), Entry(0xC000_0000, 1, 0, 0x10));
            int flips = random.Next(1, 8);
            for (int f = 0; f < flips; f++)
            {
                table[random.Next(4, table.Length)] = (byte)random.Next(256);
            }

            Mcfg mcfg = null!;
            Assert.DoesNotThrow(() => mcfg = Mcfg.Parse(table));
            Assert.That(mcfg.Entries.All(e => e.StartBus <= e.EndBus && (e.BaseAddress & 0xFFFFF) == 0), Is.True);
        }
    }

    private static byte[] Build(params byte[][] entries)
    {
        int length = 44 + entries.Sum(e => e.Length);
        var table = new byte[length];
        "MCFG"u8.CopyTo(table);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)length);
        int at = 44;
        foreach (byte[] e in entries)
        {
            e.CopyTo(table, at);
            at += e.Length;
        }

        return table;
    }

    private static byte[] Entry(ulong address, ushort segment, byte start, byte end)
    {
        var e = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(e, address);
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(8), segment);
        e[10] = start;
        e[11] = end;
        return e;
    }
}
