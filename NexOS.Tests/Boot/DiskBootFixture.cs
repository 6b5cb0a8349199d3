using System.IO;
using System.Text.RegularExpressions;
using NexOS.Tests.Storage.Fat;

namespace NexOS.Tests.Boot;

/// <summary>What the boot tests with a disk share: a FAT32 image made on the host with
/// mkfs.fat, and booting with it attached as a virtio disk until the file system is mounted
/// and the state keeper has looked at it.</summary>
public abstract class DiskBootFixture : BootFixture
{
    protected static readonly TimeSpan s_disk = TimeSpan.FromSeconds(60);
    protected static readonly Regex s_mounted = new(@"fs: mounted fat32 on the disk \(64 MiB\) at /");
    protected static readonly Regex s_keeperReady = new(@"keeper: state is kept in /nexos/state");

    private protected const string Notes = "Notes written on the host.\nSecond line.\n";

    /// <summary>A fresh image filled on the host with mtools: `/Notes.txt`, `/A long file
    /// name.txt` and the directory `/docs`.</summary>
    private protected static string HostFilledImage(HostTools.TempDir dir)
    {
        string image = FreshImage(dir);
        File.WriteAllText(dir.File("notes.txt"), Notes);
        File.WriteAllText(dir.File("long.txt"), "long name ok\n");
        HostTools.Require("mcopy", "-i", image, dir.File("notes.txt"), "::/Notes.txt");
        HostTools.Require("mcopy", "-i", image, dir.File("long.txt"), "::/A long file name.txt");
        HostTools.Require("mmd", "-i", image, "::/docs");
        return image;
    }

    /// <summary>A 64 MiB FAT32 image, one sector per cluster, in <paramref name="dir"/>.</summary>
    private protected static string FreshImage(HostTools.TempDir dir)
    {
        string image = dir.File("disk.img");
        HostTools.Format(image, 64, 1);
        return image;
    }

    /// <summary>Boots with <paramref name="image"/> as the virtio disk.</summary>
    private protected QemuMachine BootWith(string image)
    {
        QemuMachine machine = Boot(new QemuOptions { VirtioDisk = image });
        AwaitLogged(machine, s_mounted, s_disk);
        AwaitLogged(machine, s_keeperReady, s_disk);
        return machine;
    }
}
