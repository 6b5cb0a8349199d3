using System.Linq;
using NexOS.Storage;
using NexOS.Storage.Fat;
using NexOS.Storage.Vfs;
using NexOS.Tests.Storage.Fat;

namespace NexOS.Tests.Storage.Vfs;

[TestFixture]
public sealed class VfsTests
{
    [TestCase("/", "/")]
    [TestCase("//", "/")]
    [TestCase("/a/b/", "/a/b")]
    [TestCase("/a//b/./c", "/a/b/c")]
    [TestCase("/a/b/../c", "/a/c")]
    [TestCase("/../..", "/")]
    [TestCase("/a/../../b", "/b")]
    [TestCase("/a/./.", "/a")]
    [TestCase("/..a/b..", "/..a/b..")]
    public void PathsNormalise(string path, string expected)
    {
        var output = new char[VfsPath.MaxLength];
        Assert.That(VfsPath.Normalize(path, output, out int length), Is.EqualTo(StorageStatus.Ok));
        Assert.That(new string(output, 0, length), Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("relative/path")]
    [TestCase("/nul\0byte")]
    public void BadPathsAreRefused(string path) =>
        Assert.That(VfsPath.Normalize(path, new char[64], out _), Is.EqualTo(StorageStatus.BadName));

    [Test]
    public void PathBoundsAreEnforced()
    {
        var output = new char[VfsPath.MaxLength];
        Assert.That(VfsPath.Normalize("/" + new string('a', VfsPath.MaxLength), output, out _), Is.EqualTo(StorageStatus.BadName));
        Assert.That(VfsPath.Normalize(string.Concat(Enumerable.Repeat("/d", VfsPath.MaxDepth + 1)), output, out _), Is.EqualTo(StorageStatus.BadName));
        Assert.That(VfsPath.Normalize(string.Concat(Enumerable.Repeat("/d", VfsPath.MaxDepth)), output, out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(VfsPath.Normalize("/abcdef", new char[4], out _), Is.EqualTo(StorageStatus.BadArgument));
    }

    private static (VirtualFileSystem Vfs, FatFileSystem Root, FatFileSystem Usb) TwoVolumes()
    {
        var vfs = new VirtualFileSystem();
        FatFileSystem root = FatTestImages.Mount(new MemoryBlockDevice(FatTestImages.SmallImage()));
        FatFileSystem usb = FatTestImages.Mount(new MemoryBlockDevice(FatTestImages.SmallImage()));
        Assert.That(vfs.Mounts.Mount("/", root), Is.EqualTo(StorageStatus.Ok));
        Assert.That(root.CreateDirectory("/mnt"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(vfs.Mounts.Mount("/mnt/usb/", usb), Is.EqualTo(StorageStatus.Ok));
        return (vfs, root, usb);
    }

    [Test]
    public void DirectoriesAreListedThroughTheirMount()
    {
        (VirtualFileSystem vfs, _, _) = TwoVolumes();
        Assert.That(vfs.CreateDirectory("/mnt/usb/photos"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(vfs.Open("/mnt/usb/A long name.txt", VfsOpenFlags.Create | VfsOpenFlags.Write, out IFileSystem? fs, out int handle), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fs!.Write(handle, 0, new byte[1234], out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fs.Close(handle), Is.EqualTo(StorageStatus.Ok));

        var seen = new List<(string Name, ulong Size, bool Directory)>();
        var name = new char[255];
        int cookie = 0;
        for (int guard = 0; guard < 10; guard++)
        {
            Assert.That(vfs.ReadDirectory("/mnt/usb", ref cookie, name, out int length, out VfsStat stat, out bool end), Is.EqualTo(StorageStatus.Ok));
            if (end)
            {
                break;
            }

            seen.Add((new string(name, 0, length), stat.Size, stat.IsDirectory));
        }

        Assert.That(seen, Is.EquivalentTo(new[] { ("photos", 0UL, true), ("A long name.txt", 1234UL, false) }));
        cookie = 0;
        Assert.That(vfs.ReadDirectory("/", ref cookie, name, out int rootLength, out _, out bool rootEnd), Is.EqualTo(StorageStatus.Ok));
        Assert.That(rootEnd ? "" : new string(name, 0, rootLength), Is.EqualTo("mnt"), "the root volume lists its own entries");
        cookie = 0;
        Assert.That(vfs.ReadDirectory("/mnt/usb/A long name.txt", ref cookie, name, out _, out _, out _), Is.EqualTo(StorageStatus.NotADirectory));
        Assert.That(vfs.ReadDirectory("/mnt/usb/missing", ref cookie, name, out _, out _, out _), Is.EqualTo(StorageStatus.NotFound));
        Assert.That(vfs.ReadDirectory("relative", ref cookie, name, out _, out _, out _), Is.EqualTo(StorageStatus.BadName));
    }

    [Test]
    public void MountTableRoutesByLongestPrefix()
    {
        (VirtualFileSystem vfs, FatFileSystem root, FatFileSystem usb) = TwoVolumes();
        Assert.That(vfs.CreateDirectory("/mnt/usb/photos"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(vfs.CreateDirectory("/mnt/usbx"), Is.EqualTo(StorageStatus.Ok), "a prefix only matches whole components");
        Assert.That(usb.Stat("/photos", out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(root.Stat("/mnt/usbx", out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(root.Stat("/mnt/usb", out _), Is.EqualTo(StorageStatus.NotFound));
        Assert.That(vfs.Stat("/mnt/usb/photos/../photos/.", out VfsStat stat), Is.EqualTo(StorageStatus.Ok));
        Assert.That(stat.IsDirectory, Is.True);
        Assert.That(vfs.Rename("/mnt/usb/photos", "/photos"), Is.EqualTo(StorageStatus.BadArgument), "across mounts");
        Assert.That(vfs.Rename("/mnt/usb/photos", "/mnt/usb/pictures"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(vfs.RemoveDirectory("/mnt/usb"), Is.EqualTo(StorageStatus.InUse));
        Assert.That(vfs.Mounts.Mount("/mnt/usb", root), Is.EqualTo(StorageStatus.Exists));
        Assert.That(vfs.Mounts.Unmount("/mnt/usb"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(vfs.Stat("/mnt/usb/pictures", out _), Is.EqualTo(StorageStatus.NotFound));
        Assert.That(vfs.Mounts.Unmount("/"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(vfs.Stat("/mnt", out _), Is.EqualTo(StorageStatus.NotFound), "nothing mounted");
        for (int i = 0; i < MountTable.MaxMounts; i++)
        {
            Assert.That(vfs.Mounts.Mount($"/m{i}", root), Is.EqualTo(StorageStatus.Ok));
        }
        Assert.That(vfs.Mounts.Mount("/full", root), Is.EqualTo(StorageStatus.LimitReached));
    }

    [Test]
    public void DescriptorsReadWriteSeekAndHaveALimit()
    {
        (VirtualFileSystem vfs, _, _) = TwoVolumes();
        var fds = new FileDescriptorTable(vfs, 4);
        Assert.That(fds.Open("/mnt/usb/log.txt", VfsOpenFlags.Create | VfsOpenFlags.Write, out int fd), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fds.Write(fd, "hello "u8, out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fds.Write(fd, "world"u8, out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fds.Seek(fd, -5, VfsSeekOrigin.End, out ulong position), Is.EqualTo(StorageStatus.Ok));
        Assert.That(position, Is.EqualTo(6));
        var buffer = new byte[16];
        Assert.That(fds.Read(fd, buffer, out int read), Is.EqualTo(StorageStatus.Ok));
        Assert.That(buffer.AsSpan(0, read).ToArray(), Is.EqualTo("world"u8.ToArray()));
        Assert.That(fds.Read(fd, buffer, out read), Is.EqualTo(StorageStatus.Ok));
        Assert.That(read, Is.Zero, "at the end");
        Assert.That(fds.Seek(fd, -1, VfsSeekOrigin.Start, out _), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(fds.Seek(fd, long.MinValue, VfsSeekOrigin.Current, out _), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(fds.Seek(fd, 20, VfsSeekOrigin.Start, out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fds.Write(fd, "!"u8, out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fds.GetSize(fd, out ulong size), Is.EqualTo(StorageStatus.Ok));
        Assert.That(size, Is.EqualTo(21));
        for (int i = 1; i < 4; i++)
        {
            Assert.That(fds.Open("/mnt/usb/log.txt", VfsOpenFlags.None, out _), Is.EqualTo(StorageStatus.Ok));
        }
        Assert.That(fds.Open("/mnt/usb/log.txt", VfsOpenFlags.None, out int none), Is.EqualTo(StorageStatus.LimitReached));
        Assert.That(none, Is.EqualTo(-1));
        Assert.That(fds.Close(fd), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fds.Close(fd), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(fds.Read(99, buffer, out _), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(fds.Open("/missing", VfsOpenFlags.None, out _), Is.EqualTo(StorageStatus.NotFound));
        Assert.That(fds.OpenCount, Is.EqualTo(3));
        Assert.That(fds.CloseAll(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fds.OpenCount, Is.Zero);
        Assert.That(vfs.Delete("/mnt/usb/log.txt"), Is.EqualTo(StorageStatus.Ok), "no handle is left open");
    }
}
