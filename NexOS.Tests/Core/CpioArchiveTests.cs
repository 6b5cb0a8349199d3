using System.Linq;
using System.Text;
using NexOS.Core.Boot;

namespace NexOS.Tests.Core;

/// <summary>The boot archive reader: newc archives as `cpio -H newc` writes them, and every way
/// one can be cut, corrupted or crafted, each ending in its own error and never an exception.</summary>
[TestFixture]
public sealed class CpioArchiveTests
{
    [Test]
    public void FilesAreListedWithTheirBytesAndEverythingElseIsSkipped()
    {
        var writer = new CpioWriter();
        writer.Directory("bin");
        writer.File("./bin/hello", Encoding.ASCII.GetBytes("hello, world"));
        writer.File("services.manifest", new byte[] { 1, 2, 3 });
        writer.File("/empty", Array.Empty<byte>());
        writer.Symlink("bin/hi", "hello");
        for (int size = 0; size < 9; size++)
        {
            writer.File($"pad/{size}", Enumerable.Repeat((byte)size, size).ToArray());
        }

        byte[] archive = writer.Finish();
        Assert.That(CpioArchive.TryRead(archive, out CpioArchive? read, out string message), Is.EqualTo(CpioError.None), message);
        Assert.That(read!.Files.Select(f => f.Name), Is.EqualTo(new[] { "bin/hello", "services.manifest", "empty" }.Concat(Enumerable.Range(0, 9).Select(i => $"pad/{i}"))));
        Assert.That(read.TryFind("/bin/hello", out CpioFile hello), Is.True);
        Assert.That(Encoding.ASCII.GetString(archive, hello.Offset, hello.Length), Is.EqualTo("hello, world"));
        Assert.That(hello.Mode, Is.EqualTo(0x1EDu), "rwxr-xr-x");
        for (int size = 0; size < 9; size++)
        {
            Assert.That(read.TryFind($"./pad/{size}", out CpioFile padded), Is.True);
            Assert.That(archive.AsSpan(padded.Offset, padded.Length).ToArray(), Is.EqualTo(Enumerable.Repeat((byte)size, size).ToArray()));
        }

        Assert.That(read.TryFind("bin", out _), Is.False, "directories are not files");
        Assert.That(read.TryFind("bin/hi", out _), Is.False, "nor are links");
    }

    [Test]
    public void AnArchiveCutAnywhereIsRefused()
    {
        byte[] archive = Sample();
        for (int length = 0; length < archive.Length; length++)
        {
            CpioError error = CpioArchive.TryRead(archive.AsSpan(0, length), out CpioArchive? read, out string message);
            Assert.That(error, Is.Not.EqualTo(CpioError.None), $"cut at {length}");
            Assert.That(read, Is.Null);
            Assert.That(message, Does.StartWith("cpio archive at byte "));
        }
    }

    [TestCase(0, (byte)'8', CpioError.BadMagic)]
    [TestCase(5, (byte)'3', CpioError.BadMagic)]
    [TestCase(6 + 8, (byte)'g', CpioError.BadNumber)]
    [TestCase(6 + (6 * 8) + 7, (byte)' ', CpioError.BadNumber)]
    [TestCase(6 + (12 * 8), (byte)'x', CpioError.BadNumber)]
    public void AHeaderByteOutOfPlaceIsNamed(int offset, byte value, CpioError expected)
    {
        byte[] archive = Sample();
        archive[offset] = value;
        Assert.That(CpioArchive.TryRead(archive, out _, out string message), Is.EqualTo(expected), message);
    }

    [TestCase("a/../../etc/passwd")]
    [TestCase("a/./b")]
    [TestCase("a//b")]
    [TestCase("..")]
    [TestCase("./")]
    public void NamesThatClimbOutOrAreEmptyAreRefused(string name)
    {
        var writer = new CpioWriter();
        writer.File(name, new byte[] { 1 });
        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out string message), Is.EqualTo(CpioError.BadName), message);
    }

    [Test]
    public void NamesMustBeOneNulTerminatedStringOfBoundedLength()
    {
        var writer = new CpioWriter();
        writer.Raw("ab\0c\0", 5, new byte[] { 1 });
        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out _), Is.EqualTo(CpioError.BadName), "a NUL inside");
        writer = new CpioWriter();
        writer.Raw("abc", 3, new byte[] { 1 });
        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out _), Is.EqualTo(CpioError.BadName), "no NUL at the end");
        writer = new CpioWriter();
        writer.File(new string('n', CpioArchive.MaxName), new byte[] { 1 });
        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out _), Is.EqualTo(CpioError.BadName), "too long");
        writer = new CpioWriter();
        writer.File(new string('n', CpioArchive.MaxName - 1), new byte[] { 1 });
        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out string message), Is.EqualTo(CpioError.None), message);
    }

    [Test]
    public void SizesPastTheEndAreRefusedEvenWhenHuge()
    {
        var writer = new CpioWriter();
        writer.Raw("big\0", 4, new byte[] { 1 }, declaredSize: 0xFFFFFFFF);
        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out string message), Is.EqualTo(CpioError.DataOutside), message);
        writer = new CpioWriter();
        writer.Raw("name\0", 0xFFFFFFFF, new byte[] { 1 });
        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out _), Is.EqualTo(CpioError.BadName));
    }

    [Test]
    public void DuplicatesMissingTrailersAndEndlessArchivesAreRefused()
    {
        var writer = new CpioWriter();
        writer.File("init", new byte[] { 1 });
        writer.File("./init", new byte[] { 2 });
        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out string message), Is.EqualTo(CpioError.DuplicateName), message);

        writer = new CpioWriter();
        writer.File("init", new byte[] { 1 });
        Assert.That(CpioArchive.TryRead(writer.WithoutTrailer(), out _, out message), Is.EqualTo(CpioError.NoTrailer), message);

        writer = new CpioWriter();
        for (int i = 0; i <= CpioArchive.MaxEntries; i++)
        {
            writer.Directory("d" + i);
        }

        Assert.That(CpioArchive.TryRead(writer.Finish(), out _, out message), Is.EqualTo(CpioError.TooManyEntries), message);
    }

    [Test]
    public void RandomDamageNeverThrows()
    {
        byte[] sample = Sample();
        var random = new Random(15);
        int read = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] copy = (byte[])sample.Clone();
            for (int flips = random.Next(1, 6); flips > 0; flips--)
            {
                copy[random.Next(copy.Length)] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)"0123456789abcdef"[random.Next(16)];
            }

            if (CpioArchive.TryRead(copy, out CpioArchive? archive, out _) == CpioError.None)
            {
                read++;
                foreach (CpioFile file in archive!.Files)
                {
                    Assert.That(file.Offset + (long)file.Length, Is.LessThanOrEqualTo(copy.Length));
                }
            }
        }

        TestContext.Out.WriteLine($"measured {read} of 20000 damaged archives still read (their files inside the archive)");
    }

    private static byte[] Sample()
    {
        var writer = new CpioWriter();
        writer.File("init", Enumerable.Range(0, 37).Select(i => (byte)i).ToArray());
        writer.File("bin/hello", new byte[] { 9, 8, 7 });
        return writer.Finish();
    }

    /// <summary>Writes newc archives as GNU cpio does, with knobs for the fields a test breaks.</summary>
    private sealed class CpioWriter
    {
        private readonly List<byte> _bytes = new();
        private int _inode = 1;

        public void File(string name, byte[] data, uint mode = 0x81ED) => Raw(name + "\0", (uint)Encoding.ASCII.GetByteCount(name) + 1, data, mode: mode);

        public void Directory(string name) => Raw(name + "\0", (uint)name.Length + 1, Array.Empty<byte>(), mode: 0x41ED);

        public void Symlink(string name, string target) => Raw(name + "\0", (uint)name.Length + 1, Encoding.ASCII.GetBytes(target), mode: 0xA1FF);

        public void Raw(string name, uint nameSize, byte[] data, uint mode = 0x81ED, uint? declaredSize = null)
        {
            var header = new StringBuilder("070701");
            uint[] fields = { (uint)_inode++, mode, 0, 0, 1, 0, declaredSize ?? (uint)data.Length, 0, 0, 0, 0, nameSize, 0 };
            foreach (uint field in fields)
            {
                header.Append(field.ToString("X8"));
            }

            _bytes.AddRange(Encoding.ASCII.GetBytes(header.ToString()));
            _bytes.AddRange(Encoding.ASCII.GetBytes(name));
            Pad();
            _bytes.AddRange(data);
            Pad();
        }

        public byte[] Finish()
        {
            Raw("TRAILER!!!\0", 11, Array.Empty<byte>(), mode: 0);
            return _bytes.ToArray();
        }

        public byte[] WithoutTrailer() => _bytes.ToArray();

        private void Pad()
        {
            while (_bytes.Count % 4 != 0)
            {
                _bytes.Add(0);
            }
        }
    }
}
