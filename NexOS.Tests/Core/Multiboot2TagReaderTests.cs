using NexOS.Core.Boot;

namespace NexOS.Tests.Core;

[TestFixture]
public sealed class Multiboot2TagReaderTests
{
    [Test]
    public void ReadsTagsInOrderAndStopsAtEndTag()
    {
        byte[] info = new BootInfoBuilder().CommandLine("a").LoaderName("GRUB").End().CommandLine("after end").Build();
        var types = new List<Multiboot2TagType>();
        var reader = new Multiboot2TagReader(info);
        while (reader.Next(out Multiboot2Tag tag))
        {
            types.Add(tag.Type);
        }

        Assert.That(types, Is.EqualTo(new[] { Multiboot2TagType.CommandLine, Multiboot2TagType.BootLoaderName }));
        Assert.That(reader.Error, Is.Null);
    }

    [Test]
    public void PayloadExcludesTheHeaderAndPadding()
    {
        byte[] info = new BootInfoBuilder().Tag(1, new byte[] { 1, 2, 3 }).End().Build();
        var reader = new Multiboot2TagReader(info);
        Assert.That(reader.Next(out Multiboot2Tag tag), Is.True);
        Assert.That(tag.Payload.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(7)]
    public void BlockShorterThanItsHeaderIsAnError(int length)
    {
        var reader = new Multiboot2TagReader(new byte[length]);
        Assert.That(reader.Next(out _), Is.False);
        Assert.That(reader.Error, Is.EqualTo("boot information shorter than its header"));
    }

    [TestCase(0u)]
    [TestCase(7u)]
    [TestCase(1000u)]
    [TestCase(uint.MaxValue)]
    public void TotalSizeOutOfRangeIsAnError(uint total)
    {
        byte[] info = new BootInfoBuilder().CommandLine("x").End().Build(total);
        var reader = new Multiboot2TagReader(info);
        Assert.That(reader.Next(out _), Is.False);
        Assert.That(reader.Error, Is.EqualTo("boot information size field is out of range"));
    }

    [Test]
    public void TotalSizeShorterThanTheBufferLimitsTheWalk()
    {
        byte[] full = new BootInfoBuilder().CommandLine("abc").CommandLine("def").End().Build();

        // total_size covers only the first tag (8 header + 16 bytes), so the second is unseen.
        var reader = new Multiboot2TagReader(new BootInfoBuilder().CommandLine("abc").CommandLine("def").End().Build(24));
        Assert.That(full.Length, Is.GreaterThan(24));
        Assert.That(reader.Next(out _), Is.True);
        Assert.That(reader.Next(out _), Is.False);
        Assert.That(reader.Error, Is.Null);
    }

    [TestCase(0u)]
    [TestCase(7u)]
    [TestCase(4096u)]
    [TestCase(uint.MaxValue)]
    public void TagWithBadSizeEndsTheWalkWithAnError(uint size)
    {
        byte[] info = new BootInfoBuilder().Tag(1, new byte[8], sizeOverride: size).End().Build();
        var reader = new Multiboot2TagReader(info);
        Assert.That(reader.Next(out _), Is.False);
        Assert.That(reader.Error, Does.StartWith("tag of type 1 has bad size"));
    }

    [Test]
    public void TruncatedTagHeaderIsAnError()
    {
        byte[] info = new BootInfoBuilder().CommandLine("abc").Build();
        byte[] truncated = new byte[info.Length + 4];
        info.CopyTo(truncated, 0);
        BitConverter.TryWriteBytes(truncated.AsSpan(0, 4), (uint)truncated.Length);
        var reader = new Multiboot2TagReader(truncated);
        Assert.That(reader.Next(out _), Is.True);
        Assert.That(reader.Next(out _), Is.False);
        Assert.That(reader.Error, Is.EqualTo("truncated tag header"));
    }

    [Test]
    public void MissingEndTagStopsQuietlyAtTheEndOfTheBlock()
    {
        byte[] info = new BootInfoBuilder().CommandLine("abc").Build();
        var reader = new Multiboot2TagReader(info);
        Assert.That(reader.Next(out _), Is.True);
        Assert.That(reader.Next(out _), Is.False);
        Assert.That(reader.Error, Is.Null);
    }

    [Test]
    public void TagWhosePaddingRunsPastTheEndStopsQuietly()
    {
        // A 9-byte tag is padded to 16, but total_size ends right after its 9 bytes.
        byte[] info = new BootInfoBuilder().Tag(1, new byte[] { 0x41 }).Build(totalSize: 17);
        var reader = new Multiboot2TagReader(info);
        Assert.That(reader.Next(out Multiboot2Tag tag), Is.True);
        Assert.That(tag.Payload.Length, Is.EqualTo(1));
        Assert.That(reader.Next(out _), Is.False);
    }

    [Test]
    public void RandomBlocksNeverThrowOrReadOutOfBounds()
    {
        var random = new Random(20240601);
        for (int round = 0; round < 5000; round++)
        {
            byte[] info = new byte[random.Next(0, 200)];
            random.NextBytes(info);
            if (info.Length >= 4 && random.Next(2) == 0)
            {
                BitConverter.TryWriteBytes(info.AsSpan(0, 4), (uint)random.Next(0, info.Length + 1));
            }

            var reader = new Multiboot2TagReader(info);
            int tags = 0;
            while (reader.Next(out Multiboot2Tag tag) && tags < 1000)
            {
                tags++;
                Assert.That(tag.Payload.Length, Is.LessThanOrEqualTo(info.Length));
            }

            Assert.That(tags, Is.LessThan(1000));
            Assert.DoesNotThrow(() => BootInfo.Parse(info));
        }
    }
}
