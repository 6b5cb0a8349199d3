using System.Linq;
using NexOS.Drivers.Pci;

namespace NexOS.Tests.Drivers.Pci;

[TestFixture]
public sealed class PciEnumeratorTests
{
    private static List<PciFunction> Scan(FakePciConfigSpace space, out PciScanStatus status, bool size = true)
    {
        var found = new List<PciFunction>();
        status = new PciEnumerator(space) { SizeBars = size }.Enumerate(found);
        return found;
    }

    private static PciFunction At(List<PciFunction> found, byte bus, byte device, byte function) =>
        found.Single(f => f.Address == new PciAddress(0, bus, device, function));

    [Test]
    public void FindsEveryFunctionOfTheQemuLikeMachineIncludingBehindTheBridge()
    {
        List<PciFunction> found = Scan(QemuLikeMachine.Build(), out PciScanStatus status);
        Assert.That(status, Is.EqualTo(PciScanStatus.Ok));
        Assert.That(found.Select(f => f.Address.ToString()), Is.EqualTo(new[] { "00:00.0", "00:02.0", "00:03.0", "00:1f.0", "00:1f.2", "01:00.0" }));
        Assert.That(found.All(f => f.Issues == PciIssues.None), Is.True, string.Join(",", found.Select(f => f.Issues)));
        PciFunction bridge = At(found, 0, 3, 0);
        Assert.That(bridge.IsBridge && bridge.SecondaryBus == 1 && bridge.SubordinateBus == 1, Is.True);
        Assert.That(bridge.Bars, Has.Length.EqualTo(2));
        Assert.That(At(found, 0, 0x1F, 0).IsMultiFunction, Is.True);
    }

    [Test]
    public void ReadsIdsClassAndInterruptOfTheAhciController()
    {
        PciFunction ahci = At(Scan(QemuLikeMachine.Build(), out _), 0, 0x1F, 2);
        Assert.Multiple(() =>
        {
            Assert.That((ahci.VendorId, ahci.DeviceId, ahci.Revision), Is.EqualTo(((ushort)0x8086, (ushort)0x2922, (byte)2)));
            Assert.That((ahci.ClassCode, ahci.Subclass, ahci.ProgIf), Is.EqualTo(((byte)1, (byte)6, (byte)1)));
            Assert.That((ahci.InterruptLine, ahci.InterruptPin), Is.EqualTo(((byte)10, (byte)1)));
            Assert.That(ahci.Bars[4], Is.EqualTo(new PciBar(4, PciBarKind.Io, 0xC040, 32, false)));
            Assert.That(ahci.Bars[5], Is.EqualTo(new PciBar(5, PciBarKind.Memory32, QemuLikeMachine.AhciAbar, 0x1000, false)));
            Assert.That(ahci.Bars[0].Kind, Is.EqualTo(PciBarKind.None));
            Assert.That(ahci.Msi, Is.EqualTo(new PciMsiInfo(0x80, true, false, 0, false)));
            Assert.That(ahci.Capabilities.Select(c => c.Id), Is.EqualTo(new byte[] { 0x05, 0x12 }));
        });
    }

    [Test]
    public void DecodesTheVirtioDevicesBarsVendorCapabilitiesAndMsiX()
    {
        PciFunction v = At(Scan(QemuLikeMachine.Build(), out _), 0, 2, 0);
        Assert.That(v.Bars[1], Is.EqualTo(new PciBar(1, PciBarKind.Memory32, QemuLikeMachine.VirtioTableBar, 0x1000, false)));
        Assert.That(v.Bars[4], Is.EqualTo(new PciBar(4, PciBarKind.Memory64, 0xFE00_0000, 0x4000, true)));
        Assert.That(v.Bars[5].Kind, Is.EqualTo(PciBarKind.Upper64));
        Assert.That(v.MsiX, Is.EqualTo(new PciMsiXInfo(0x98, 2, 1, 0, 1, 0x800, false)));
        PciCapability[] vendor = v.Capabilities.Where(c => c.Id == PciCapabilityId.VendorSpecific).ToArray();
        Assert.That(vendor.Select(c => c.Offset), Is.EqualTo(new[] { 0x84, 0x70, 0x60, 0x50, 0x40 }));
        Assert.That(vendor.Select(c => c.Bytes[3]), Is.EqualTo(new byte[] { 5, 2, 4, 3, 1 }), "virtio cfg_type of each structure");
        PciCapability notify = vendor[1];
        Assert.That(notify.Bytes, Has.Length.EqualTo(0x14), "a vendor capability is as long as its length byte says");
        Assert.That(notify.Bytes[4], Is.EqualTo(4), "BAR of the notify structure");
        Assert.That(BitConverter.ToUInt32(notify.Bytes, 8), Is.EqualTo(0x3000u), "offset of the notify structure");
        Assert.That(BitConverter.ToUInt32(notify.Bytes, 16), Is.EqualTo(4u), "notify_off_multiplier");
        Assert.That((v.SubsystemVendorId, v.SubsystemId), Is.EqualTo(((ushort)0x1AF4, (ushort)2)));
    }

    [Test]
    public void SizingRestoresBarsAndCommandAndDisablesDecodingMeanwhile()
    {
        FakePciConfigSpace space = QemuLikeMachine.Build();
        FakePciFunction nic = space.Functions[new PciAddress(0, 1, 0, 0)];
        nic.Set16(4, 0x0007);
        byte[] before = (byte[])nic.Config.Clone();
        PciFunction f = At(Scan(space, out _), 1, 0, 0);
        Assert.That(nic.Config, Is.EqualTo(before), "config space is as it was");
        Assert.That(nic.CommandDuringSizing, Is.Not.Empty);
        Assert.That(nic.CommandDuringSizing.All(c => (c & 3) == 0), Is.True, "I/O and memory decode off while a BAR holds all ones");
        Assert.That(f.Bars[0], Is.EqualTo(new PciBar(0, PciBarKind.Memory32, 0xFE80_0000, 0x20000, false)));
        Assert.That(f.Bars[1], Is.EqualTo(new PciBar(1, PciBarKind.Io, 0xD000, 64, false)));
    }

    [Test]
    public void WithoutSizingNothingIsWritten()
    {
        FakePciConfigSpace space = QemuLikeMachine.Build();
        PciFunction f = At(Scan(space, out _, size: false), 1, 0, 0);
        Assert.That(space.Functions.Values.All(x => x.CommandDuringSizing.Count == 0), Is.True);
        Assert.That(f.Bars[0], Is.EqualTo(new PciBar(0, PciBarKind.Memory32, 0xFE80_0000, 0, false)));
    }

    [Test]
    public void CapabilityLoopsAndBadPointersStop()
    {
        var space = new FakePciConfigSpace();
        space.Add(0, 0, 0, 0x1234, 1, 0xFF0000).Capability(0x40, 0x01).Capability(0x50, 0x05, 0, 0).Config[0x51] = 0x40;
        space.Add(0, 1, 0, 0x1234, 2, 0xFF0000).Capability(0x60, 0x01).Config[0x61] = 0x20;
        space.Add(0, 2, 0, 0x1234, 3, 0xFF0000).Capability(0xFC, 0x01).Config[0xFD] = 0xFC;
        List<PciFunction> found = Scan(space, out _);
        Assert.That(found[0].Issues, Is.EqualTo(PciIssues.CapabilityLoop));
        Assert.That(found[0].Capabilities, Has.Count.EqualTo(2));
        Assert.That(found[1].Issues, Is.EqualTo(PciIssues.CapabilityPointerInvalid));
        Assert.That(found[2].Issues, Is.EqualTo(PciIssues.CapabilityLoop), "a capability pointing at itself");
        Assert.That(found[2].Capabilities[0].Bytes, Has.Length.EqualTo(4), "clamped to the end of the header");
    }

    [Test]
    public void BridgeLoopsAreNotFollowed()
    {
        var space = new FakePciConfigSpace();
        space.Bridge(0, 1, 1, 2);
        space.Bridge(0, 2, 1, 1); // a second bridge claiming bus 1
        space.Bridge(1, 0, 0, 5); // back to bus 0
        space.Bridge(1, 1, 2, 2);
        space.Bridge(2, 0, 1, 1); // back up to bus 1
        space.Bridge(0, 3, 9, 4); // secondary above subordinate
        List<PciFunction> found = Scan(space, out PciScanStatus status);
        Assert.That(status, Is.EqualTo(PciScanStatus.Ok));
        Assert.That(found, Has.Count.EqualTo(6), "each bus scanned once");
        Assert.That(At(found, 0, 2, 0).Issues, Is.EqualTo(PciIssues.BridgeLoop));
        Assert.That(At(found, 1, 0, 0).Issues, Is.EqualTo(PciIssues.BridgeBusInvalid));
        Assert.That(At(found, 2, 0, 0).Issues, Is.EqualTo(PciIssues.BridgeBusInvalid));
        Assert.That(At(found, 0, 3, 0).Issues, Is.EqualTo(PciIssues.BridgeBusInvalid));
    }

    [Test]
    public void NonsenseBarsAreMarkedInvalid()
    {
        var space = new FakePciConfigSpace();
        FakePciFunction f = space.Add(0, 0, 0, 0x1234, 1, 0xFF0000);
        f.MemoryBar(0, 0x1000_0000, 0x1000);
        f.Set32(0x14, 0x2000_0006); // reserved memory type 3
        f.MemoryBar(2, 0x3000_0000, 0x1000);
        f.MemoryBar64(5, 0, 0x1000, false); // 64-bit BAR with no next BAR
        f.ReadHook = (offset, value) => offset switch
        {
            0x10 when value == 0xFFFF_F000 => 0x1234_5670, // holes in the size mask
            0x18 when value == 0xFFFF_F000 => 0xFFFF_F001, // reads back as an I/O BAR
            _ => value,
        };
        PciFunction r = Scan(space, out _).Single();
        Assert.That(r.Bars.Select(b => b.Kind), Is.EqualTo(new[] { PciBarKind.Invalid, PciBarKind.Invalid, PciBarKind.Invalid, PciBarKind.None, PciBarKind.None, PciBarKind.Invalid }));
        Assert.That(r.Issues, Is.EqualTo(PciIssues.BarInvalid));
        Assert.That(r.Bars.All(b => !b.IsUsable), Is.True);
    }

    [Test]
    public void MsiXNamingAMissingBarIsRejected()
    {
        var space = new FakePciConfigSpace();
        space.Add(0, 0, 0, 0x1234, 1, 0xFF0000).MemoryBar(0, 0x1000_0000, 0x1000)
            .Capability(0x40, 0x11, 0xFF, 0x07, 0x00, 0, 0, 0, 0x00, 0x08, 0, 0);
        PciFunction r = Scan(space, out _).Single();
        Assert.That(r.MsiX, Is.Null, "2048 entries do not fit in a 4 KiB BAR");
        Assert.That(r.Issues, Is.EqualTo(PciIssues.MessageCapabilityInvalid));
    }

    [Test]
    public void FunctionLimitStopsTheScan()
    {
        FakePciConfigSpace space = QemuLikeMachine.Build();
        var found = new List<PciFunction>();
        PciScanStatus status = new PciEnumerator(space) { MaxFunctions = 3 }.Enumerate(found);
        Assert.That(status, Is.EqualTo(PciScanStatus.TooManyFunctions));
        Assert.That(found, Has.Count.EqualTo(3));
    }

    [Test]
    public void RandomConfigSpacesNeverThrowOrHang()
    {
        var random = new Random(16);
        for (int round = 0; round < 300; round++)
        {
            var space = new FakePciConfigSpace();
            for (int i = 0; i < 6; i++)
            {
                FakePciFunction f = space.Add((byte)random.Next(4), (byte)random.Next(32), (byte)random.Next(8), 0x1234, 1, 0);
                random.NextBytes(f.Config.AsSpan(0, 256));
                random.NextBytes(f.WriteMask.AsSpan(0, 256));
                if (random.Next(3) == 0)
                {
                    f.ReadHook = (_, _) => (uint)random.Next();
                }
            }

            var found = new List<PciFunction>();
            Assert.DoesNotThrow(() => new PciEnumerator(space).Enumerate(found));
            Assert.That(found, Has.Count.LessThanOrEqualTo(PciEnumerator.DefaultMaxFunctions));
            foreach (PciFunction f in found)
            {
                Assert.That(f.Capabilities, Has.Count.LessThanOrEqualTo(48));
                Assert.DoesNotThrow(() => PciFormatter.FormatVerbose(f));
            }
        }
    }
}
