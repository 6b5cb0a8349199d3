using System.Linq;
using System.Text.RegularExpressions;
using NexOS.Tests.Storage.Fat;

namespace NexOS.Tests.Boot;

/// <summary>
/// DMA confinement with QEMU's VT-d IOMMU: the disk works through translation, each device's
/// domain holds only its driver's buffers, and a controller pointed at memory its program has
/// freed is blocked, with the fault recorded against it (user/devtest FisEscape). Without an
/// IOMMU the kernel says DMA is not confined.
/// </summary>
[TestFixture]
[Category("Boot")]
public sealed class IommuBootTests : DiskBootFixture
{
    private static readonly Regex s_confined = new(@"iommu: VT-d at 0x[0-9a-f]+, [34]-level tables(, written through)?: each (device|of the \d+ devices it lists) reaches only the DMA buffers its driver was given");

    [Test]
    [CancelAfter(2 * TestBudget)]
    public void ADevicesDmaReachesOnlyWhatItsDriverWasGiven()
    {
        using var dir = new HostTools.TempDir();
        QemuMachine machine = Boot(new QemuOptions { Iommu = true, VirtioDisk = HostFilledImage(dir) });
        AwaitLogged(machine, s_confined, s_disk);
        AwaitLogged(machine, s_mounted, s_disk);
        Assert.That(RunCommand(machine, "cat /Notes.txt", s_disk), Is.EqualTo(new[] { "Notes written on the host.", "Second line." }), "the virtio disk's DMA goes through the IOMMU");
        Assert.That(RunCommand(machine, "echo through the iommu > /t.txt", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "sync", s_disk), Has.None.StartsWith("sync:"));

        List<string> before = RunCommand(machine, "iommu", s_disk);
        Assert.That(before, Has.Some.Match(@"^  \d\d:\d\d\.\d: [1-9]\d* pages mapped"), "the disk driver's buffers:\n" + string.Join("\n", before));
        Assert.That(before, Has.Some.EqualTo("faults: 0"));

        // The q35's own AHCI controller (00:1f.2) holds only the CD-ROM, so no driver keeps it.
        List<string> started = RunCommand(machine, "devstart 00:1f.2 devtest ahci-fis", s_disk);
        Assert.That(started, Has.Some.Match(@"^started process \d+ \(devtest\) for 00:1f.2$"), string.Join("\n", started));
        Match wrote = machine.WaitFor(new Regex(@"devtest: ahci-fis: port \d+ wrote into its own buffer at 0x([0-9a-f]+), port \d+ into freed memory at 0x([0-9a-f]+);"), s_disk);
        machine.WaitFor("devmgr: devtest ahci-fis for 00:1f.2 ended with code 0", s_disk);
        List<string> after = RunCommand(machine, "iommu", s_disk);
        string report = string.Join("\n", after);
        Assert.That(after, Has.Some.Match($@"^  00:1f\.2 wrote 0x{wrote.Groups[2].Value}: write refused"), "the write into freed memory was blocked:\n" + report);
        Assert.That(report, Does.Not.Contain("0x" + wrote.Groups[1].Value), "the write into its own buffer went through");
        Assert.That(after, Has.Some.Match(@"^  00:1f\.2: 0 pages mapped"), "its buffers left the device when the program ended:\n" + report);

        Assert.That(RunCommand(machine, "cat /t.txt", s_disk), Is.EqualTo(new[] { "through the iommu" }), "the system carries on");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void WithoutAnIommuTheKernelSaysDmaIsNotConfined()
    {
        List<string> output = RunCommand(Boot(), "iommu");
        Assert.That(output, Is.EqualTo(new[] { "iommu: no IOMMU (no DMAR table)" }));
    }
}
