using System.Linq;
using NexOS.Drivers.Pci;

namespace NexOS.Tests.Drivers.Pci;

[TestFixture]
public sealed class PciFormatterTests
{
    private static List<PciFunction> Machine()
    {
        var found = new List<PciFunction>();
        new PciEnumerator(QemuLikeMachine.Build()).Enumerate(found);
        return found;
    }

    [Test]
    public void OneLinePerFunctionLikeLspci()
    {
        Assert.That(Machine().Select(PciFormatter.FormatLine), Is.EqualTo(new[]
        {
            "00:00.0 Host bridge [0600]: 8086:29c0",
            "00:02.0 SCSI storage controller [0100]: 1af4:1042 rev 01",
            "00:03.0 PCI bridge [0604]: 1b36:0001",
            "00:1f.0 ISA bridge [0601]: 8086:2918 rev 02",
            "00:1f.2 SATA controller [0106]: 8086:2922 rev 02 (AHCI)",
            "01:00.0 Ethernet controller [0200]: 8086:100e rev 03",
        }));
    }

    [Test]
    public void VerboseFormListsBarsAndCapabilities()
    {
        string text = PciFormatter.FormatVerbose(Machine()[1]);
        Assert.That(text, Does.Contain("\tRegion 1: Memory at febd1000 (32-bit, non-prefetchable) [size=4K]\n"));
        Assert.That(text, Does.Contain("\tRegion 4: Memory at fe000000 (64-bit, prefetchable) [size=16K]\n"));
        Assert.That(text, Does.Contain("\tCapabilities: [98] MSI-X: Enable- Count=2 Table: BAR1+0 PBA: BAR1+800\n"));
        Assert.That(text, Does.Contain("\tCapabilities: [70] Vendor Specific: Len=14\n"));
        Assert.That(text, Does.Contain("\tInterrupt: pin A routed to IRQ 11\n"));
        string ahci = PciFormatter.FormatVerbose(Machine()[4]);
        Assert.That(ahci, Does.Contain("\tRegion 4: I/O ports at c040 [size=32]\n"));
        Assert.That(ahci, Does.Contain("\tCapabilities: [80] MSI: Enable- Count=1/1 Maskable- 64bit+\n"));
    }

    [TestCase(0x20UL, "32")]
    [TestCase(0x1000UL, "4K")]
    [TestCase(0x100000UL, "1M")]
    [TestCase(0x1800UL, "6K")]
    [TestCase(0x1_0000_0000UL, "4G")]
    public void SizesUseTheLargestWholeUnit(ulong size, string text) => Assert.That(PciFormatter.FormatSize(size), Is.EqualTo(text));

    [Test]
    public void UnknownClassesFallBack()
    {
        Assert.That(PciClassNames.Describe(0x01, 0x55), Is.EqualTo("Mass storage controller"));
        Assert.That(PciClassNames.Describe(0x77, 0x00), Is.EqualTo("Unknown class"));
    }
}
