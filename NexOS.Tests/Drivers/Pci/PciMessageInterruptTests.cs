using System.Linq;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Pci;

namespace NexOS.Tests.Drivers.Pci;

[TestFixture]
public sealed class PciMessageInterruptTests
{
    private static (FakePciConfigSpace Space, PciFunction Function) Find(FakePciConfigSpace space, byte device, byte function)
    {
        var found = new List<PciFunction>();
        new PciEnumerator(space).Enumerate(found);
        return (space, found.Single(f => f.Address.Device == device && f.Address.Function == function));
    }

    [Test]
    public void EnablesSixtyFourBitMsiOnTheAhciControllerAndTurnsIntxOff()
    {
        (FakePciConfigSpace space, PciFunction ahci) = Find(QemuLikeMachine.Build(), 0x1F, 2);
        FakePciFunction raw = space.Functions[ahci.Address];
        Assert.That(PciMessageInterrupts.EnableMsi(space, ahci, 0x1_FEE0_0000, 0x4041), Is.EqualTo(PciMsiStatus.Ok));
        Assert.That(raw.Dword(0x84), Is.EqualTo(0xFEE0_0000u));
        Assert.That(raw.Dword(0x88), Is.EqualTo(1u));
        Assert.That(raw.Dword(0x8C) & 0xFFFF, Is.EqualTo(0x4041u));
        Assert.That(raw.Config[0x82] & 0x71, Is.EqualTo(0x01), "enabled with one vector");
        Assert.That(raw.Command & 0x0404, Is.EqualTo(0x0404), "bus master on, INTx disabled");
    }

    [Test]
    public void ThirtyTwoBitMsiWithMaskingUnmasksVectorZero()
    {
        var space = new FakePciConfigSpace();
        FakePciFunction f = space.Add(0, 0, 0, 0x1234, 1, 0xFF0000).Capability(0x50, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF);
        f.Writable(0x52, 1, 0x71);
        f.Writable(0x54, 12);
        (_, PciFunction fn) = Find(space, 0, 0);
        Assert.That(fn.Msi!.Value.PerVectorMasking && !fn.Msi.Value.Is64Bit, Is.True);
        Assert.That(PciMessageInterrupts.EnableMsi(space, fn, 0x1_0000_0000, 1), Is.EqualTo(PciMsiStatus.BadAddress));
        Assert.That(PciMessageInterrupts.EnableMsi(space, fn, 0xFEE0_0002, 1), Is.EqualTo(PciMsiStatus.BadAddress));
        Assert.That(f.Config[0x52] & 1, Is.Zero, "refusals touch nothing");
        Assert.That(PciMessageInterrupts.EnableMsi(space, fn, 0xFEE0_1000, 0x30), Is.EqualTo(PciMsiStatus.Ok));
        Assert.That(f.Dword(0x54), Is.EqualTo(0xFEE0_1000u));
        Assert.That(f.Dword(0x58) & 0xFFFF, Is.EqualTo(0x30u));
        Assert.That(f.Dword(0x5C), Is.EqualTo(0xFFFF_FFFEu), "vector 0 unmasked, the others untouched");
        Assert.That(PciMessageInterrupts.DisableMsi(space, fn), Is.EqualTo(PciMsiStatus.Ok));
        Assert.That(f.Config[0x52] & 1, Is.Zero);
    }

    [Test]
    public void ProgramsMsiXTableEntriesOfTheVirtioDevice()
    {
        (FakePciConfigSpace space, PciFunction v) = Find(QemuLikeMachine.Build(), 2, 0);
        var bar = new MemoryMmioRegion(0x1000);
        bar.Write32(12, 1);
        bar.Write32(16 + 12, 1);
        Assert.That(PciMessageInterrupts.ProgramMsiXEntry(v, bar, 1, 0xFEE0_0000, 0x41), Is.EqualTo(PciMsiStatus.Ok));
        Assert.That(bar.Read32(16), Is.EqualTo(0xFEE0_0000u));
        Assert.That(bar.Read32(20), Is.Zero);
        Assert.That(bar.Read32(24), Is.EqualTo(0x41u));
        Assert.That(bar.Read32(28) & 1, Is.Zero, "unmasked");
        Assert.That(bar.Read32(12) & 1, Is.EqualTo(1u), "entry 0 untouched and still masked");
        Assert.That(PciMessageInterrupts.ProgramMsiXEntry(v, bar, 2, 0xFEE0_0000, 0), Is.EqualTo(PciMsiStatus.VectorOutOfRange));
        Assert.That(PciMessageInterrupts.ProgramMsiXEntry(v, bar, -1, 0xFEE0_0000, 0), Is.EqualTo(PciMsiStatus.VectorOutOfRange));
        Assert.That(PciMessageInterrupts.ProgramMsiXEntry(v, new MemoryMmioRegion(20), 1, 0xFEE0_0000, 0), Is.EqualTo(PciMsiStatus.TableNotMapped));
        Assert.That(PciMessageInterrupts.SetMsiXEntryMasked(v, bar, 1, true), Is.EqualTo(PciMsiStatus.Ok));
        Assert.That(bar.Read32(28) & 1, Is.EqualTo(1u));

        Assert.That(PciMessageInterrupts.EnableMsiX(space, v), Is.EqualTo(PciMsiStatus.Ok));
        FakePciFunction raw = space.Functions[v.Address];
        Assert.That(raw.Config[0x9B] & 0xC0, Is.EqualTo(0x80), "enabled, function mask clear");
        Assert.That(raw.Command & 0x0404, Is.EqualTo(0x0404));
        Assert.That(PciMessageInterrupts.EnableMsi(space, v, 0xFEE0_0000, 0), Is.EqualTo(PciMsiStatus.NoCapability));
    }

    private static byte[] Snapshot(FakePciConfigSpace space, PciAddress address)
    {
        var bytes = new byte[256];
        for (int i = 0; i < 256; i += 4)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i), space.Read32(address, i));
        }

        return bytes;
    }

    [Test]
    public void ADriverFindsTheSameMsiXTableInItsSnapshotAsTheEnumerator()
    {
        (FakePciConfigSpace space, PciFunction v) = Find(QemuLikeMachine.Build(), 2, 0);
        Assert.That(PciMessageInterrupts.FindMsiX(Snapshot(space, v.Address), out PciMsiXInfo info), Is.True);
        Assert.That(info, Is.EqualTo(v.MsiX!.Value));
        (_, PciFunction ahci) = Find(space, 0x1F, 2);
        Assert.That(PciMessageInterrupts.FindMsiX(Snapshot(space, ahci.Address), out _), Is.False, "MSI only");
    }

    [Test]
    public void AProgrammedEntryFromASnapshotLandsWhereTheFunctionSays()
    {
        (FakePciConfigSpace space, PciFunction v) = Find(QemuLikeMachine.Build(), 2, 0);
        Assert.That(PciMessageInterrupts.FindMsiX(Snapshot(space, v.Address), out PciMsiXInfo info), Is.True);
        var bar = new MemoryMmioRegion(0x1000);
        Assert.That(PciMessageInterrupts.ProgramMsiXEntry(info, bar, 0, 0xFEE0_0000, 0x30), Is.EqualTo(PciMsiStatus.Ok));
        Assert.That(bar.Read32(info.TableOffset + 8), Is.EqualTo(0x30u));
        Assert.That(PciMessageInterrupts.ProgramMsiXEntry((PciMsiXInfo?)null, bar, 0, 0xFEE0_0000, 0x30), Is.EqualTo(PciMsiStatus.NoCapability));
        Assert.That(PciMessageInterrupts.ProgramMsiXEntry(info, bar, 0, 0xFEE0_0002, 0x30), Is.EqualTo(PciMsiStatus.BadAddress));
    }

    [Test]
    public void AHostileCapabilityListNeverHangsOrReadsPastTheSnapshot()
    {
        var looped = new byte[256];
        looped[PciRegisters.Status] = 0x10;
        looped[0x34] = 0x40;
        looped[0x40] = 0x09;
        looped[0x41] = 0x40; // points at itself
        Assert.That(PciMessageInterrupts.FindMsiX(looped, out _), Is.False);

        var atTheEnd = new byte[256];
        atTheEnd[PciRegisters.Status] = 0x10;
        atTheEnd[0x34] = 0xFC;
        atTheEnd[0xFC] = PciCapabilityId.MsiX; // too close to the end to hold the capability
        Assert.That(PciMessageInterrupts.FindMsiX(atTheEnd, out _), Is.False);

        var noList = new byte[256];
        noList[0x34] = 0x40;
        noList[0x40] = PciCapabilityId.MsiX;
        Assert.That(PciMessageInterrupts.FindMsiX(noList, out _), Is.False, "the status register says there is no list");

        var badBar = new byte[256];
        badBar[PciRegisters.Status] = 0x10;
        badBar[0x34] = 0x40;
        badBar[0x40] = PciCapabilityId.MsiX;
        badBar[0x44] = 6; // BIR 6 and 7 are reserved
        Assert.That(PciMessageInterrupts.FindMsiX(badBar, out _), Is.False);
        Assert.That(PciMessageInterrupts.FindMsiX(new byte[255], out _), Is.False, "a short snapshot");
    }

    [Test]
    public void UsingTheLineAgainTurnsMessagesOffAndIntxOn()
    {
        (FakePciConfigSpace space, PciFunction v) = Find(QemuLikeMachine.Build(), 2, 0);
        Assert.That(PciMessageInterrupts.EnableMsiX(space, v), Is.EqualTo(PciMsiStatus.Ok));
        FakePciFunction raw = space.Functions[v.Address];
        PciMessageInterrupts.UseLine(space, v);
        Assert.That(raw.Config[0x9B] & 0x80, Is.Zero, "MSI-X off");
        Assert.That(raw.Command & 0x0400, Is.Zero, "INTx allowed again");
        Assert.That(raw.Command & 0x0004, Is.EqualTo(4), "bus mastering stays on");
    }
}
