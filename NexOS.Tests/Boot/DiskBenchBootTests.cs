using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NexOS.Bench;
using NexOS.Tests.Storage.Fat;

namespace NexOS.Tests.Boot;

/// <summary>
/// The shell's `diskbench` (user/diskbench) on the disk `./nexos bench` lays out prints every
/// storage figure and leaves the file system clean, and on a disk that is one file system
/// from its first sector it refuses the raw figures instead of writing into the file system.
/// The figures themselves are benchmarks, not checked here.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class DiskBenchBootTests : DiskBootFixture
{
    private static readonly TimeSpan s_bench = TimeSpan.FromMinutes(4);
    private static readonly string[] s_raw = ["disk_seq_write", "disk_flush", "disk_seq_read", "disk_rand_read_qd1", "disk_rand_read_qd32"];

    [Test]
    [CancelAfter(4 * TestBudget)]
    public void EveryFigureIsPrintedAndThePartitionStaysClean()
    {
        using var dir = new HostTools.TempDir();
        string image = dir.File("bench.img");
        BenchDisk.MakeTemplate(image);

        using QemuMachine machine = Boot(new QemuOptions { VirtioDisk = image });
        AwaitLogged(machine, new Regex(@"fs: mounted fat32 on the disk"), s_disk);
        Assert.That(RunCommand(machine, "diskbench", s_bench), Does.Contain("diskbench exited with code 0"));
        foreach (string name in s_raw.Append("file_cycle"))
        {
            AwaitLogged(machine, new Regex($"^\\{{\"bench\":\"{name}\",\"unit\":\"ns\",\"median\":\\d+", RegexOptions.Multiline), s_disk);
        }

        machine.Dispose();
        byte[] disk = File.ReadAllBytes(image);
        string partition = dir.File("partition.img");
        File.WriteAllBytes(partition, disk.AsSpan(1 << 20, 64 << 20).ToArray());
        (int code, string output) = HostTools.Run("/usr/sbin/fsck.fat", "-n", partition);
        Assert.That(code, Is.Zero, output);
        Assert.That(HostTools.Require("mdir", "-i", partition, "-b", "::/"), Does.Not.Contain(".BIN"), "every file of the cycle was deleted");
        Assert.That(disk[(65 << 20) + 12345], Is.EqualTo(0xA5), "the raw writes went after the partition");
    }

    [Test]
    [CancelAfter(3 * TestBudget)]
    public void AWholeDiskFileSystemGetsNoRawWrites()
    {
        using var dir = new HostTools.TempDir();
        string image = FreshImage(dir);

        using QemuMachine machine = BootWith(image);
        Assert.That(RunCommand(machine, "diskbench", s_bench), Does.Contain("diskbench exited with code 1"));
        foreach (string name in s_raw)
        {
            AwaitLogged(machine, new Regex($"^\\{{\"bench\":\"{name}\",\"error\":\"the disk is one file system from its first sector", RegexOptions.Multiline), s_disk);
        }

        AwaitLogged(machine, new Regex("^\\{\"bench\":\"file_cycle\",\"unit\":\"ns\"", RegexOptions.Multiline), s_disk);
        machine.Dispose();
        (int code, string output) = HostTools.Run("/usr/sbin/fsck.fat", "-n", image);
        Assert.That(code, Is.Zero, output);
    }
}
