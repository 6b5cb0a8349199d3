using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// `./nexos vmware` (tools/deploy/deploy.sh): the VMDKs and .vmx it writes, booted in QEMU with
/// the devices the .vmx names (<see cref="VmxMachine"/>): the hybrid ISO as a SATA disk on an
/// AHCI controller, the FAT32 data disk on a second one, an 82545EM e1000. NexOS must find both
/// disks and the card, mount the data disk and lease an address, under BIOS and under EFI.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class VmwareBootTests : BootFixture
{
    private static readonly TimeSpan s_devices = TimeSpan.FromSeconds(60);
    private static readonly Regex s_bootDisk = new(@"ahci: port 0: (\d+) blocks of 512 bytes \(\d+ MiB\), (MSI interrupts|polling)");
    private static readonly Regex s_dataDisk = new(@"ahci: port 0: 131072 blocks of 512 bytes \(64 MiB\), (MSI interrupts|polling)");
    private string? _directory;

    [TearDown]
    public void RemoveMachineFiles()
    {
        _machine?.Dispose();
        _machine = null;
        if (_directory != null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(300_000)]
    public void TheVmdkBootsOnTheVmxsDevicesToThePrompt(bool efi)
    {
        _directory = Path.Combine(Path.GetTempPath(), "nexos-vmware-" + Guid.NewGuid().ToString("N"));
        string iso = BootEnvironment.IsoPath();
        var arguments = new List<string> { Path.Combine(BootEnvironment.RepoRoot(), "nexos"), "vmware", _directory, "--from", "disk", "--image", iso };
        if (efi)
        {
            arguments.Add("--efi");
        }

        BootEnvironment.Run("bash", TimeSpan.FromSeconds(120), arguments.ToArray());
        VmxMachine vmx = VmxMachine.Load(Path.Combine(_directory, "nexos.vmx"));
        Assert.That(vmx.Efi, Is.EqualTo(efi));
        Assert.That(vmx["serial0.fileName"], Is.EqualTo("serial.log"));
        List<(int Controller, string File)> disks = vmx.Disks();
        Assert.That(disks.Select(d => Path.GetFileName(d.File)), Is.EqualTo(new[] { "nexos.vmdk", "nexos-data.vmdk" }));

        var watch = Stopwatch.StartNew();
        QemuMachine machine = Boot(vmx.ToQemuOptions(), efi ? s_uefiBoot : s_boot);
        TestContext.Progress.WriteLine($"measured: the VMDK booted to the prompt ({(efi ? "EFI" : "BIOS")}) in {watch.Elapsed.TotalSeconds:F1} s of wall time under TCG");

        // Both controllers' drivers found their disk; the data disk is the root volume.
        AwaitLogged(machine, s_dataDisk, s_devices);
        AwaitLogged(machine, s_bootDisk, s_devices);
        Assert.That(s_bootDisk.Matches(machine.Log), Has.Count.EqualTo(2), "one line for each controller's disk");
        AwaitLogged(machine, new Regex(@"fs: mounted fat32 on the disk \(64 MiB\) at /"), s_devices);
        AwaitLogged(machine, new Regex(@"e1000: 52:54:00:12:34:56, link up, \d+ receive buffers"), s_devices);
        AwaitNetwork(machine, s_devices);

        List<string> lspci = RunCommand(machine, "lspci", s_devices);
        string listing = string.Join("\n", lspci);
        Assert.That(lspci, Has.Exactly(2).Match(@"^00:0\d\.0 SATA controller \[0106\]: 8086:2922 rev 02 \(AHCI\)"), listing);
        Assert.That(lspci, Has.Exactly(1).Match(@"^00:0\d\.0 Ethernet controller \[0200\]: 8086:100f "), "VMware's 82545EM:\n" + listing);

        List<string> ifconfig = RunCommand(machine, "ifconfig");
        Assert.That(ifconfig, Has.Some.Match(@"^  inet 10\.0\.2\.15/24, .*\(DHCP, lease \d+ s left\)$"), string.Join("\n", ifconfig));

        // The state keeper notes each state file it first saves on the fresh data disk ("keeper:
        // X saved"), whenever its timer comes: such a line may land in a command's output.
        RunCommand(machine, "echo written on a vmdk > /vmware.txt");
        Assert.That(RunCommand(machine, "cat /vmware.txt").Where(l => !l.StartsWith("keeper: ", StringComparison.Ordinal)), Is.EqualTo(new[] { "written on a vmdk" }));
        Assert.That(RunCommand(machine, "df"), Has.Some.Match(@"^\s+\d+ K\s+\d+ K\s+\d+ K\s+/$"));
    }
}
