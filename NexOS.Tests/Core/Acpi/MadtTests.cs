using System.Buffers.Binary;
using NexOS.Core.Acpi;

namespace NexOS.Tests.Core.Acpi;

[TestFixture]
public sealed class MadtTests
{
    [Test]
    public void ParsesQemuLikeTable()
    {
        byte[] table = Build(
            LocalApic(0, 0, enabled: true),
            IoApic(0, 0xFEC00000, 0),
            Override(0, 2, 0),
            Override(9, 9, 0b1101));
        Madt madt = Madt.Parse(table);
        Assert.That(madt.Error, Is.Null);
        Assert.That(madt.LocalApicAddress, Is.EqualTo(0xFEE00000u));
        Assert.That(madt.HasLegacyPics, Is.True);
        Assert.That(madt.ProcessorCount, Is.EqualTo(1));
        Assert.That(madt.IoApics, Is.EqualTo(new[] { new IoApicInfo(0, 0xFEC00000, 0) }));
        Assert.That(madt.Route(0).Gsi, Is.EqualTo(2u), "the PIT is on GSI 2 in QEMU");
        Assert.That(madt.Route(4), Is.EqualTo(new InterruptOverride(4, 4, false, false)), "COM1 is not overridden");
        InterruptOverride sci = madt.Route(9);
        Assert.That(sci.LevelTriggered, Is.True, "QEMU wires the ACPI SCI level-triggered (flags 0x0d)");
        Assert.That(sci.ActiveLow, Is.False, "and active high");
        Assert.That(madt.IoApicFor(4), Is.EqualTo(new IoApicInfo(0, 0xFEC00000, 0)));
    }

    [Test]
    public void ListsTheApicIdsOfEnabledProcessorsOnce()
    {
        byte[] onlineCapable = LocalApic(3, 7, enabled: false);
        onlineCapable[4] = 2; // a hot-plug slot: counted as a processor, not started
        Madt madt = Madt.Parse(Build(
            LocalApic(0, 0, enabled: true),
            LocalApic(1, 2, enabled: true),
            LocalApic(2, 5, enabled: false),
            onlineCapable,
            LocalApic(4, 2, enabled: true)));
        Assert.That(madt.ProcessorApicIds, Is.EqualTo(new byte[] { 0, 2 }), "disabled and hot-plug entries are left out, a repeated ID is listed once");
        Assert.That(madt.ProcessorCount, Is.EqualTo(4));
    }

    [Test]
    public void IoApicForPicksTheHighestBaseNotAbove()
    {
        Madt madt = Madt.Parse(Build(IoApic(0, 0xFEC00000, 0), IoApic(1, 0xFEC01000, 24)));
        Assert.That(madt.IoApicFor(30)!.Value.Id, Is.EqualTo(1));
        Assert.That(madt.IoApicFor(23)!.Value.Id, Is.EqualTo(0));
        Assert.That(Madt.Parse(Build()).IoApicFor(0), Is.Null);
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(200)]
    public void BadEntryLengthStopsWithAnError(int length)
    {
        byte[] entry = IoApic(0, 0xFEC00000, 0);
        entry[1] = (byte)length;
        Madt madt = Madt.Parse(Build(LocalApic(0, 0, true), entry));
        Assert.That(madt.Error, Does.Contain("bad length"));
        Assert.That(madt.ProcessorCount, Is.EqualTo(1), "entries before the bad one are kept");
    }

    [Test]
    public void WrongSignatureOrTruncatedTableIsRefused()
    {
        byte[] table = Build(IoApic(0, 0xFEC00000, 0));
        table[0] = (byte)'X';
        Assert.That(Madt.Parse(table).Error, Does.Contain("not an MADT"));
        byte[] good = Build(IoApic(0, 0xFEC00000, 0));
        Assert.That(Madt.Parse(good.AsSpan(0, good.Length - 4)).Error, Does.Contain("does not fit"));
        Assert.That(Madt.Parse(ReadOnlySpan<byte>.Empty).Error, Is.Not.Null);
    }

    [Test]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            byte[] table = Build(IoApic(0, 0xFEC00000, 0), Override(0, 2, 0));
            int flips = random.Next(1, 8);
            for (int f = 0; f < flips; f++)
            {
                table[random.Next(36, table.Length)] = (byte)random.Next(256);
            }

            Assert.DoesNotThrow(() => Madt.Parse(table));
        }
    }

    private static byte[] Build(params byte[][] entries)
    {
        int length = 44;
        foreach (byte[] e in entries)
        {
            length += e.Length;
        }

        var table = new byte[length];
        "APIC"u8.CopyTo(table);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(36), 0xFEE00000);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(40), 1);
        int at = 44;
        foreach (byte[] e in entries)
        {
            e.CopyTo(table, at);
            at += e.Length;
        }

        return table;
    }

    private static byte[] LocalApic(byte processor, byte apicId, bool enabled) =>
        new byte[] { 0, 8, processor, apicId, enabled ? (byte)1 : (byte)0, 0, 0, 0 };

    private static byte[] IoApic(byte id, uint address, uint gsiBase)
    {
        var e = new byte[12];
        e[0] = 1;
        e[1] = 12;
        e[2] = id;
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(4), address);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(8), gsiBase);
        return e;
    }

    private static byte[] Override(byte irq, uint gsi, ushort flags)
    {
        var e = new byte[10];
        e[0] = 2;
        e[1] = 10;
        e[3] = irq;
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(4), gsi);
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(8), flags);
        return e;
    }
}
