using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace NexOS.Tests.Tools;

/// <summary>
/// The deployment commands' checks (tools/deploy/deploy.sh), run as `./nexos usb|vmware|pxe`
/// with a small stand-in image, so nothing is built: `usb` refuses the system disk, fixed
/// disks, partitions, mounted devices, loop devices and files (the last two allowed with
/// --allow-image), asks before writing, and writes an image that reads back the same; `vmware`
/// and `pxe` reject bad options with clear errors. Where a refusal needs a device this machine
/// lacks (a partition, a mounted stick), a stand-in lsblk first on PATH describes a real loop
/// device as one.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DeployCommandTests
{
    private string _directory = "";
    private string _image = "";
    private string? _loop;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "nexos-deploy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _image = Path.Combine(_directory, "image.iso");
        var bytes = new byte[1 << 20];
        new Random(18).NextBytes(bytes);
        File.WriteAllBytes(_image, bytes);
    }

    [TearDown]
    public void TearDown()
    {
        if (_loop != null)
        {
            Run("losetup", ["-d", _loop]);
            _loop = null;
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void UsbRefusesTheDiskTheSystemRunsFrom()
    {
        (int code, string root) = Run("findmnt", ["-no", "SOURCE", "/"]);
        root = root.Trim();
        if (code != 0 || !root.StartsWith("/dev/", StringComparison.Ordinal))
        {
            Assert.Ignore($"/ is not on a block device here ({root}): nothing to refuse");
        }

        (_, string disks) = Run("lsblk", ["-nlsp", "-o", "NAME,TYPE", root]);
        string disk = disks.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .First(f => f.Length == 2 && f[1] == "disk")[0];
        AssertRefused(Usb(disk, ["--yes", "--force"]), $"usb: {disk} holds the running system (/, /boot or /usr is on it): refused");
    }

    [Test]
    public void UsbRefusesWhatIsNoStickUnlessAllowed()
    {
        string file = Path.Combine(_directory, "stick.img");
        AssertRefused(Usb("/dev/nexos-no-such-stick", ["--yes"]), "usb: /dev/nexos-no-such-stick is not a block device (it does not exist); writing the image to a file needs --allow-image");
        AssertRefused(Usb(file, ["--yes"]), $"usb: {file} is not a block device (it does not exist); writing the image to a file needs --allow-image");
        Assert.That(File.Exists(file), Is.False);
        AssertRefused(Usb(AttachLoop(), ["--yes"]), $"usb: {_loop} is a loop device, not a USB stick; writing to one needs --allow-image");
        AssertRefused(Usb("/dev/null", ["--yes", "--allow-image"]), "usb: /dev/null is neither a block device nor a regular file");
    }

    [Test]
    public void UsbRefusesAFixedDiskUnlessForcedAPartitionAndAMountedStick()
    {
        string loop = AttachLoop();
        AssertRefused(Usb(loop, ["--yes", "--allow-image"], fake: ("TYPE=\"disk\" RM=\"0\" HOTPLUG=\"0\" TRAN=\"sata\" SIZE=\"4194304\" MODEL=\"Fixed Disk\"", "")),
            $"usb: {loop} is not removable (a fixed sata disk): refused; --force writes it anyway");
        AssertRefused(Usb(loop, ["--yes", "--force"], fake: ("TYPE=\"part\" RM=\"1\" HOTPLUG=\"1\" TRAN=\"\" SIZE=\"4194304\" MODEL=\"\"", "")),
            $"usb: {loop} is a partition, not a whole disk: give the disk it is on (/dev/sdz), whose partitions are all overwritten");
        AssertRefused(Usb(loop, ["--yes"], fake: ("TYPE=\"disk\" RM=\"1\" HOTPLUG=\"1\" TRAN=\"usb\" SIZE=\"4194304\" MODEL=\"Stick\"", $"{loop}\n{loop}p1 /media/stick")),
            $"usb: {loop} is mounted ({loop}p1 on /media/stick): unmount it first");
        AssertRefused(Usb(loop, ["--yes"], fake: ("TYPE=\"disk\" RM=\"1\" HOTPLUG=\"1\" TRAN=\"usb\" SIZE=\"1000\" MODEL=\"Stick\"", "")),
            $"usb: {loop} holds 1000 bytes, less than the image's 1048576");

        // Forced, the same fixed disk is written.
        (int code, string output) = Usb(loop, ["--yes", "--force"], fake: ("TYPE=\"disk\" RM=\"0\" HOTPLUG=\"0\" TRAN=\"sata\" SIZE=\"4194304\" MODEL=\"Fixed Disk\"", ""));
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"nexos: {loop}: 4.0MiB, Fixed Disk, sata"));
        AssertHoldsImage(loop);
    }

    [Test]
    public void UsbWritesALoopDeviceAndAFileWithAllowImageAndReadsThemBack()
    {
        string loop = AttachLoop();
        (int code, string output) = Usb(loop, ["--yes", "--allow-image"]);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"everything on {loop} will be overwritten with image.iso"));
        Assert.That(output, Does.Contain($"wrote image.iso (1 MiB) to {loop} and read it back"));
        AssertHoldsImage(loop);

        string file = Path.Combine(_directory, "stick.img");
        (code, output) = Usb(file, ["--yes", "--allow-image"]);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(File.ReadAllBytes(_image)));
    }

    [Test]
    public void UsbAsksFirstAndWritesOnlyOnYes()
    {
        string file = Path.Combine(_directory, "stick.img");
        AssertRefused(Usb(file, ["--allow-image"]), "usb: no terminal to confirm on: pass --yes to write without asking");
        Assert.That(File.Exists(file), Is.False, "nothing written without an answer");

        // On a terminal (script(1) gives the command one), anything but "yes" writes nothing.
        (int code, string output) = OnTerminal($"{Nexos()} usb {file} --allow-image --iso {_image}", "no\n");
        Assert.That(code, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("Type yes to write " + file));
        Assert.That(output, Does.Contain("usb: not written ('no' is not yes)"));
        Assert.That(File.Exists(file), Is.False);

        (code, output) = OnTerminal($"{Nexos()} usb {file} --allow-image --iso {_image}", "yes\n");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(File.ReadAllBytes(_image)));
    }

    [Test]
    public void VmwareWritesAnEsxiMachineWithItsConsoleOnTelnet()
    {
        string dir = Path.Combine(_directory, "esxi");
        (int code, string output) = Nexos("vmware", dir, "--from", "disk", "--image", _image, "--esxi", "--serial-port", "2002", "--efi", "--mem", "1024", "--cpus", "2");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("COM1 is telnet://ESXI-HOST:2002"));
        NexOS.Tests.Boot.VmxMachine vmx = NexOS.Tests.Boot.VmxMachine.Load(Path.Combine(dir, "nexos.vmx"));
        Assert.That(vmx["serial0.fileType"], Is.EqualTo("network"));
        Assert.That(vmx["serial0.fileName"], Is.EqualTo("telnet://:2002"));
        Assert.That(vmx["serial0.network.endPoint"], Is.EqualTo("server"));
        Assert.That(vmx["ethernet0.networkName"], Is.EqualTo("VM Network"));
        Assert.That(vmx["ethernet0.connectionType"], Is.Null, "ESXi has no NAT");
        Assert.That((vmx.Efi, vmx["memsize"], vmx["numvcpus"]), Is.EqualTo((true, "1024", "2")));
        Assert.That(vmx.NicModel(), Is.EqualTo("e1000-82545em"));
        Assert.That(vmx.Disks(), Has.Count.EqualTo(2));
        (_, string info) = Run("qemu-img", ["info", Path.Combine(dir, "nexos.vmdk")]);
        Assert.That(info, Does.Contain("file format: vmdk"));
    }

    [Test]
    public void VmwareAndPxeRejectBadOptionsClearly()
    {
        AssertRefused(Nexos("vmware", _directory, "--esxi", "--serial-port", "80"), "vmware: --serial-port takes a TCP port from 1024 to 65535");
        AssertRefused(Nexos("vmware", _directory, "--from", "floppy"), "vmware: --from takes iso or disk");
        AssertRefused(Nexos("vmware", _directory, "--mem", "100"), "vmware: --mem takes MiB, at least 256 and a multiple of 4 (VMware's rule)");
        AssertRefused(Nexos("vmware", _directory, "--cpus", "0"), "vmware: --cpus takes a count from 1 to 99");
        AssertRefused(Nexos("vmware", _directory, "--from", "disk"), "vmware: --from disk needs --image FILE");
        AssertRefused(Nexos("vmware", _directory, "--from", "disk", "--image", "/nonexistent.img"), "vmware: no file /nonexistent.img");
        AssertRefused(Nexos("vmware", _directory, "--from", "disk", "--image", _image, "--data", _image, "--no-data"), "vmware: --data and --no-data exclude each other");
        AssertRefused(Nexos("vmware", "--wat"), "vmware: unknown option '--wat'");

        AssertRefused(Nexos("pxe"), "usage: ./nexos pxe DIR");
        AssertRefused(Nexos("pxe", _directory, "--interface", "nexos-nosuch0"), "pxe: no network interface 'nexos-nosuch0' here");
        AssertRefused(Nexos("pxe", _directory, "--interface", "lo", "--subnet", "10.1.2.0/33"), "pxe: '10.1.2.0/33' is not an IPv4 network such as 192.168.1.0/24");
        AssertRefused(Nexos("pxe", _directory, "--interface", "lo", "--subnet", "10.1.2.0/24"), "pxe: lo's address 127.0.0.1 is not in 10.1.2.0/24: give the subnet of the LAN lo is on");
        AssertRefused(Nexos("pxe", _directory, "--interface", "lo"), $"pxe: {_directory} exists and holds files this command did not write: give a new or empty directory");
    }

    private static void AssertRefused((int Code, string Output) result, string message)
    {
        Assert.That(result.Code, Is.EqualTo(1), result.Output);
        Assert.That(result.Output, Does.Contain("nexos: " + message));
    }

    private void AssertHoldsImage(string device)
    {
        byte[] expected = File.ReadAllBytes(_image);
        var actual = new byte[expected.Length];
        using (FileStream stream = File.OpenRead(device))
        {
            stream.ReadExactly(actual);
        }

        Assert.That(actual, Is.EqualTo(expected), $"{device} holds the image");
    }

    private string AttachLoop()
    {
        string backing = Path.Combine(_directory, "loop.img");
        using (FileStream stream = File.Create(backing))
        {
            stream.SetLength(4 << 20);
        }

        (int code, string output) = Run("losetup", ["-f", "--show", backing]);
        if (code != 0)
        {
            Assert.Fail($"losetup could not attach a loop device (it needs root and /dev/loop-control): {output}");
        }

        _loop = output.Trim();
        return _loop;
    }

    private static string Nexos() => Path.Combine(TestRoot(), "nexos");

    private (int, string) Nexos(params string[] arguments) => Run("bash", [Nexos(), .. arguments]);

    private (int, string) Usb(string device, string[] options, (string Facts, string Mounts)? fake = null)
    {
        var environment = new Dictionary<string, string>();
        if (fake is (string facts, string mounts))
        {
            string bin = Path.Combine(_directory, "bin");
            Directory.CreateDirectory(bin);
            string lsblk = Path.Combine(bin, "lsblk");
            File.WriteAllText(lsblk, "#!/bin/bash\n# A stand-in lsblk: the facts and mounts the test gives for the device.\n"
                + "case \" $* \" in\n  *\" -dnP \"*) echo \"$FAKE_LSBLK_FACTS\" ;;\n  *NAME,MOUNTPOINT*) printf '%s\\n' \"$FAKE_LSBLK_MOUNTS\" ;;\n"
                + "  *PKNAME*) echo sdz ;;\n  *) exec /usr/bin/lsblk \"$@\" ;;\nesac\n");
            Run("chmod", ["+x", lsblk]);
            environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            environment["FAKE_LSBLK_FACTS"] = facts;
            environment["FAKE_LSBLK_MOUNTS"] = mounts;
        }

        return Run("bash", [Nexos(), "usb", device, .. options, "--iso", _image], environment);
    }

    private static (int, string) OnTerminal(string command, string input)
    {
        // script -e returns the command's exit code; -c runs it on a pseudo-terminal.
        return Run("script", ["-qec", command, "/dev/null"], stdin: input);
    }

    private static string TestRoot()
    {
        for (string? dir = TestContext.CurrentContext.TestDirectory; dir != null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "nexos")))
            {
                return dir;
            }
        }

        Assert.Fail("no folder above the tests holds the nexos script");
        return "";
    }

    private static (int Code, string Output) Run(string tool, string[] arguments, Dictionary<string, string>? environment = null, string? stdin = null)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach ((string key, string value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        using Process process = Process.Start(info) ?? throw new AssertionException($"cannot start {tool}");
        if (stdin != null)
        {
            Thread.Sleep(500);
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        System.Threading.Tasks.Task<string> output = process.StandardOutput.ReadToEndAsync();
        System.Threading.Tasks.Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish within 60 s");
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result + errors.Result);
    }
}
