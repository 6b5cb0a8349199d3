using System.Linq;
using System.IO;
using System.Text.RegularExpressions;
using NexOS.Tests.Storage.Fat;

namespace NexOS.Tests.Boot;

/// <summary>
/// The disk path end to end: a FAT32 image made on the host with mkfs.fat and filled with
/// mtools, attached as a virtio disk; the device manager starts the virtio-blk driver service
/// and the file-system service mounts the volume. The shell's file commands read what the host
/// wrote, change the volume, and after `sync` and a killed QEMU the host tools find it clean
/// and read back every byte; a second boot finds the changes. Bad commands get clear errors, a
/// killed driver is started again, and without a disk the system says nothing will persist.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class FileSystemBootTests : DiskBootFixture
{

    [Test]
    [CancelAfter(3 * TestBudget)]
    public void HostFilesAreReadAndChangesSurviveAKilledEmulatorAndAReboot()
    {
        using var dir = new HostTools.TempDir();
        string image = HostFilledImage(dir);

        QemuMachine machine = BootWith(image);
        Assert.That(RunCommand(machine, "ls /", s_disk), Is.EqualTo(Listing("A long file name.txt", 13, "docs", -1, "Notes.txt", Notes.Length, "nexos", -1)), "with the state keeper's directory");
        Assert.That(RunCommand(machine, "cat /Notes.txt", s_disk), Is.EqualTo(new[] { "Notes written on the host.", "Second line." }));

        Assert.That(RunCommand(machine, "echo made on nexos > /docs/new.txt", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "echo and a second line >> /docs/new.txt", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "mkdir /keep", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "cp /Notes.txt /keep", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "mv /keep/Notes.txt \"/keep/Moved notes.txt\"", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "rm \"/A long file name.txt\"", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "cd /keep", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "ls", s_disk), Is.EqualTo(Listing("Moved notes.txt", Notes.Length)));
        Assert.That(RunCommand(machine, "sync", s_disk), Has.None.StartsWith("sync:"));
        machine.Dispose();

        Assert.That(HostTools.Run("/usr/sbin/fsck.fat", "-n", image).ExitCode, Is.Zero, HostTools.Run("/usr/sbin/fsck.fat", "-n", image).Output);
        Assert.That(HostTools.Require("mtype", "-i", image, "::/docs/new.txt"), Is.EqualTo("made on nexos\nand a second line\n"));
        Assert.That(HostTools.Require("mtype", "-i", image, "::/keep/Moved notes.txt"), Is.EqualTo(Notes));
        Assert.That(HostTools.Run("mtype", "-i", image, "::/A long file name.txt").ExitCode, Is.Not.Zero, "deleted");
        string docs = HostTools.Require("mdir", "-i", image, "::/docs");
        Assert.That(docs, Does.Contain(DateTime.UtcNow.ToString("yyyy-MM-dd")).Or.Contain(DateTime.UtcNow.AddMinutes(-10).ToString("yyyy-MM-dd")),
            "files NexOS writes carry the date of the machine's clock (QEMU's is the host's, in UTC):\n" + docs);

        machine = BootWith(image);
        Assert.That(RunCommand(machine, "cat /docs/new.txt", s_disk), Is.EqualTo(new[] { "made on nexos", "and a second line" }));
        Assert.That(RunCommand(machine, "df", s_disk)[1], Does.Match(@"^\s+\d+ K\s+\d+ K\s+\d+ K  /$"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void BadFileCommandsGetClearErrorsAndTheServiceCarriesOn()
    {
        using var dir = new HostTools.TempDir();
        QemuMachine machine = BootWith(HostFilledImage(dir));
        Assert.That(RunCommand(machine, "cat /missing.txt", s_disk), Is.EqualTo(new[] { "cat: /missing.txt: no such file or directory" }));
        Assert.That(RunCommand(machine, "mkdir /docs", s_disk), Is.EqualTo(new[] { "mkdir: /docs: already exists" }));
        Assert.That(RunCommand(machine, "echo x > /docs/inside.txt", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "rmdir /docs", s_disk), Is.EqualTo(new[] { "rmdir: /docs: directory not empty" }));
        Assert.That(RunCommand(machine, "cat /docs", s_disk), Is.EqualTo(new[] { "cat: /docs: is a directory" }));
        Assert.That(RunCommand(machine, "cd /Notes.txt", s_disk), Is.EqualTo(new[] { "cd: /Notes.txt: not a directory" }));
        Assert.That(RunCommand(machine, "echo x >", s_disk), Is.EqualTo(new[] { "shell: a redirection needs a file after '>'" }));
        Assert.That(RunCommand(machine, "echo x > /a > /b", s_disk), Is.EqualTo(new[] { "shell: a redirection goes at the end of the line" }));
        Assert.That(RunCommand(machine, "ps > /ps.txt", s_disk), Is.Empty, "a kernel command's output goes to the file");
        List<string> ps = RunCommand(machine, "cat /ps.txt", s_disk);
        Assert.That(ps, Has.Some.Match(@"^\s+\d+ shell\s"), string.Join("\n", ps));
        Assert.That(RunCommand(machine, "irq >> /ps.txt", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "cat /ps.txt", s_disk), Has.Some.StartWith("vector  count").And.Some.Match(@"^\s+\d+ shell\s"), "appended after ps's output");
        Assert.That(RunCommand(machine, "top > /top.txt", s_disk), Is.Empty, "a command waiting for a key stops at once");
        Assert.That(RunCommand(machine, "cat /top.txt", s_disk), Has.Some.Contains("NexOS top"));
        Assert.That(RunCommand(machine, "echo x > /no/such/dir/file", s_disk), Is.EqualTo(new[] { "shell: /no/such/dir/file: no such file or directory" }));
        Assert.That(RunCommand(machine, "cp /Notes.txt", s_disk), Is.EqualTo(new[] { "usage: cp FROM TO" }));
        Assert.That(RunCommand(machine, "mv /Notes.txt /nowhere/x", s_disk), Is.EqualTo(new[] { "mv: /Notes.txt: no such file or directory" }));
        Assert.That(RunCommand(machine, "cat /" + new string('a', 300), s_disk)[0], Does.StartWith("cat: /aaa"));
        Assert.That(RunCommand(machine, "cat /Notes.txt", s_disk), Is.EqualTo(new[] { "Notes written on the host.", "Second line." }), "the service carries on");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AKilledDiskDriverIsStartedAgainAndTheFilesComeBack()
    {
        using var dir = new HostTools.TempDir();
        QemuMachine machine = BootWith(HostFilledImage(dir));
        string pid = Regex.Match(string.Join("\n", RunCommand(machine, "ps")), @"(?m)^\s*(\d+)\s.*virtioblk").Groups[1].Value;
        Assert.That(pid, Is.Not.Empty, "ps lists the driver");
        RunCommand(machine, "kill " + pid);
        AwaitLogged(machine, new Regex(@"devmgr: restarted virtioblk for 00:\d\d\.0 \(restart 1 of 3\)"), s_disk);
        const string ready = @"virtioblk: 131072 blocks of 512 bytes \(64 MiB\), MSI-X interrupts";
        AwaitLogged(machine, new Regex($"{ready}(.|\n)*{ready}"), s_disk);
        Assert.That(RunCommand(machine, "cat /Notes.txt", s_disk), Is.EqualTo(new[] { "Notes written on the host.", "Second line." }));
        long before = MessageInterruptCount(machine);
        Assert.That(RunCommand(machine, "echo after the restart > /restart.txt", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "sync", s_disk), Has.None.StartsWith("sync:"));
        Assert.That(MessageInterruptCount(machine), Is.GreaterThan(before), "the restarted driver's writes complete by MSI-X, on the vector its device had");
    }

    // The count `irq` shows for the virtio disk's one message vector (MSI-X entry 0).
    private static long MessageInterruptCount(QemuMachine machine)
    {
        List<string> irq = RunCommand(machine, "irq", s_disk);
        List<Match> rows = irq.Select(l => Regex.Match(l, @"^\s*(\d+)\s+(\d+)\s+message interrupt: device at 0x[0-9a-f]+, entry 0$")).Where(m => m.Success).ToList();
        Assert.That(rows, Has.Count.EqualTo(1), string.Join("\n", irq));
        Assert.That(int.Parse(rows[0].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(0x30, 0xEF));
        return long.Parse(rows[0].Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test]
    [CancelAfter(3 * TestBudget)]
    public void AnAhciDiskServesTheSameFilesAndTheHostToolsAgree()
    {
        using var dir = new HostTools.TempDir();
        string image = HostFilledImage(dir);
        QemuMachine machine = Boot(new QemuOptions { AhciDisk = image });
        AwaitLogged(machine, new Regex(@"ahci: port 0: 131072 blocks of 512 bytes \(64 MiB\), MSI interrupts"), s_disk);
        AwaitLogged(machine, s_mounted, s_disk);
        Assert.That(RunCommand(machine, "cat /Notes.txt", s_disk), Is.EqualTo(new[] { "Notes written on the host.", "Second line." }));
        Assert.That(RunCommand(machine, "echo written over SATA > /sata.txt", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "sync", s_disk), Has.None.StartsWith("sync:"));
        machine.Dispose();

        Assert.That(HostTools.Run("/usr/sbin/fsck.fat", "-n", image).ExitCode, Is.Zero, HostTools.Run("/usr/sbin/fsck.fat", "-n", image).Output);
        Assert.That(HostTools.Require("mtype", "-i", image, "::/sata.txt"), Is.EqualTo("written over SATA\n"));
        machine = Boot(new QemuOptions { AhciDisk = image });
        AwaitLogged(machine, s_mounted, s_disk);
        Assert.That(RunCommand(machine, "cat /sata.txt", s_disk), Is.EqualTo(new[] { "written over SATA" }));
    }

    [Test]
    [CancelAfter(2 * TestBudget)]
    public void ASecondDiskIsMountedBesideTheFirstAndKeepsItsOwnFiles()
    {
        using var dir = new HostTools.TempDir();
        string first = HostFilledImage(dir);
        string second = dir.File("second.img");
        HostTools.Format(second, 64, 1);
        File.WriteAllText(dir.File("data.txt"), "on the second disk\n");
        HostTools.Require("mcopy", "-i", second, dir.File("data.txt"), "::/data.txt");

        QemuMachine machine = Boot(new QemuOptions { VirtioDisk = first, AhciDisk = second });
        AwaitLogged(machine, s_keeperReady, s_disk);
        AwaitLogged(machine, new Regex(@"fs: mounted fat32 on disk1 \(64 MiB\) at /disk1"), s_disk);
        Assert.That(RunCommand(machine, "cat /Notes.txt", s_disk), Is.EqualTo(new[] { "Notes written on the host.", "Second line." }));
        Assert.That(RunCommand(machine, "cat /disk1/data.txt", s_disk), Is.EqualTo(new[] { "on the second disk" }));
        Assert.That(RunCommand(machine, "ls /", s_disk), Has.Some.Contains("disk1/"), "the mount point is a directory of the root");
        Assert.That(RunCommand(machine, "cp /Notes.txt /disk1/copied.txt", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "sync", s_disk), Has.None.StartsWith("sync:"));
        machine.Dispose();

        Assert.That(HostTools.Run("/usr/sbin/fsck.fat", "-n", second).ExitCode, Is.Zero, HostTools.Run("/usr/sbin/fsck.fat", "-n", second).Output);
        Assert.That(HostTools.Require("mtype", "-i", second, "::/copied.txt"), Is.EqualTo(Notes));
        Assert.That(HostTools.Run("mtype", "-i", first, "::/copied.txt").ExitCode, Is.Not.Zero, "the copy went to the second disk only");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AProgramOnTheDiskRunsByItsPath()
    {
        using var dir = new HostTools.TempDir();
        string image = HostFilledImage(dir);
        string hello = Path.Combine(BootEnvironment.RepoRoot(), "build", "user", "hello.elf");
        Assert.That(File.Exists(hello), Is.True, "./nexos build writes build/user/hello.elf");
        HostTools.Require("mmd", "-i", image, "::/bin");
        HostTools.Require("mcopy", "-i", image, hello, "::/bin/hello");
        HostTools.Require("mcopy", "-i", image, dir.File("notes.txt"), "::/bin/notes");
        QemuMachine machine = BootWith(image);

        machine.Send("/bin/hello from the disk\r");
        machine.WaitFor("Hello from C# in ring 3", s_disk);
        machine.WaitFor("  argument 1: the", s_disk);
        machine.WaitFor(new Regex(@"process \d+ \(hello\) exited with code 0"), s_disk);
        machine.WaitFor(Prompt, s_disk);
        Assert.That(RunCommand(machine, "cd /bin", s_disk), Is.Empty);
        Assert.That(RunCommand(machine, "./notes", s_disk), Is.EqualTo(new[] { "./notes: cannot start it (not a NexOS program (an x86-64 ELF executable))" }));
        Assert.That(RunCommand(machine, "/bin/missing", s_disk), Is.EqualTo(new[] { "/bin/missing: no such file or directory" }));
        Assert.That(RunCommand(machine, "/bin", s_disk), Is.EqualTo(new[] { "/bin: is a directory" }));
        List<string> redirected = RunCommand(machine, "/bin/hello to a file > /out.txt", s_disk);
        Assert.That(redirected, Has.Count.EqualTo(1).And.Some.Match(@"^process \d+ \(hello\) exited with code 0$"), "only the exit stays on screen:\n" + string.Join("\n", redirected));
        List<string> written = RunCommand(machine, "cat /out.txt", s_disk);
        Assert.That(written, Has.Some.Contains("Hello from C# in ring 3").And.Some.EqualTo("  argument 0: to"), string.Join("\n", written));
        Assert.That(RunCommand(machine, "run hello from the archive > /run.txt", s_disk), Is.Empty, "the kernel's run: the command's lines and the program's go to the file");
        List<string> run = RunCommand(machine, "cat /run.txt", s_disk);
        Assert.That(run, Has.Some.EqualTo("  argument 0: from").And.Some.Match(@"^process \d+ \(hello\) exited with code 0"), string.Join("\n", run));
        Assert.That(RunCommand(machine, "/bin/hello & > /bg.txt", s_disk), Is.EqualTo(new[] { "shell: a program whose output is redirected runs in the foreground (no '&')" }));
    }

    [TestCase("boot-sector")]
    [TestCase("fat-garbage")]
    [TestCase("root-loop")]
    [CancelAfter(TestBudget)]
    public void AHostileImageIsRefusedOrReadWithErrorsAndTheServiceCarriesOn(string damage)
    {
        using var dir = new HostTools.TempDir();
        string image = HostFilledImage(dir);
        Damage(image, damage);
        QemuMachine machine = Boot(new QemuOptions { VirtioDisk = image });
        AwaitLogged(machine, new Regex(@"fs: (mounted fat32 on the disk|the disk holds no FAT volume NexOS can mount \(\w+\); nothing will persist)"), s_disk);
        foreach (string line in new[] { "ls /", "cat /Notes.txt", "ls /docs", "mkdir /new", "echo x > /x.txt", "df", "sync" })
        {
            RunCommand(machine, line, s_disk); // an error or an answer, within the timeout: never a hang
        }

        Assert.That(RunCommand(machine, "mount", s_disk), Has.Some.StartsWith("disk cache:"), "the file-system service still answers");
        Assert.That(RunCommand(machine, "echo still here"), Is.EqualTo(new[] { "still here" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AKilledFileSystemServiceIsStartedAgainAndTheFilesComeBack()
    {
        using var dir = new HostTools.TempDir();
        QemuMachine machine = BootWith(HostFilledImage(dir));
        // The first table of ps lists threads: killing the service's thread ends its process.
        string thread = Regex.Match(string.Join("\n", RunCommand(machine, "ps")), @"(?m)^\s*(\d+)\s+fs\s").Groups[1].Value;
        Assert.That(thread, Is.Not.Empty, "ps lists the file-system service");
        RunCommand(machine, "kill " + thread);

        // init's line and the new service's may come before the prompt after kill or after it.
        AwaitLogged(machine, new Regex(@"init: fs ended \(code 137\); starting it again"), s_disk);
        AwaitLogged(machine, new Regex($"({s_mounted})(.|\n)*({s_mounted})"), s_disk);
        Assert.That(RunCommand(machine, "cat /Notes.txt", s_disk), Is.EqualTo(new[] { "Notes written on the host.", "Second line." }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void WithoutADiskTheSystemSaysNothingPersists()
    {
        QemuMachine machine = Boot();
        AwaitLogged(machine, new Regex("fs: no disk; nothing will persist"), s_disk);
        Assert.That(RunCommand(machine, "ls /", s_disk), Is.EqualTo(new[] { "ls: /: no such file or directory" }));
        Assert.That(RunCommand(machine, "mount", s_disk)[0], Is.EqualTo("nothing is mounted"));
    }

    // Breaks the image as a hostile or failing disk would: garbage over the boot sector,
    // seeded garbage over the first FAT, or the root directory's cluster chained to itself.
    private static void Damage(string image, string damage)
    {
        using FileStream disk = File.Open(image, FileMode.Open, FileAccess.ReadWrite);
        byte[] boot = new byte[512];
        disk.ReadExactly(boot);
        int reserved = boot[14] | (boot[15] << 8);
        var random = new Random(16);
        byte[] garbage = new byte[damage == "boot-sector" ? 512 : 64 * 512];
        random.NextBytes(garbage);
        switch (damage)
        {
            case "boot-sector":
                disk.Position = 0;
                disk.Write(garbage);
                break;
            case "fat-garbage":
                disk.Position = reserved * 512L;
                disk.Write(garbage);
                break;
            default:
                disk.Position = (reserved * 512L) + (2 * 4);
                disk.Write(new byte[] { 2, 0, 0, 0 });
                break;
        }
    }

    // The lines `ls` prints for (name, size) pairs, size -1 for a directory, in its order.
    private static List<string> Listing(params object[] pairs)
    {
        var lines = new List<(string Name, string Line)>();
        for (int i = 0; i < pairs.Length; i += 2)
        {
            string name = (string)pairs[i];
            int size = (int)pairs[i + 1];
            lines.Add((name, size < 0 ? $"     <dir>  {name}/" : $"{size,10}  {name}"));
        }

        lines.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
        return lines.ConvertAll(l => l.Line);
    }
}
