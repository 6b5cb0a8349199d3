using NexOS.Core.Heap;

namespace NexOS.Tests.Core.Heap;

[TestFixture]
public sealed class SizeClassesTests
{
    [Test]
    public void TableIsIncreasingAndMadeOfGranules()
    {
        Assert.That(SizeClasses.SizeOf(0), Is.EqualTo(16));
        Assert.That(SizeClasses.SizeOf(SizeClasses.Count - 1), Is.EqualTo(SizeClasses.LargestSize));
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            Assert.That(SizeClasses.SizeOf(c) % SizeClasses.Granule, Is.Zero, $"class {c}");
            if (c > 0)
            {
                Assert.That(SizeClasses.SizeOf(c), Is.GreaterThan(SizeClasses.SizeOf(c - 1)), $"class {c}");
            }
        }
    }

    [Test]
    public void ClassForRoundsUpToTheSmallestFittingClass()
    {
        for (ulong size = 0; size <= SizeClasses.LargestSize; size++)
        {
            int c = SizeClasses.ClassFor(size);
            Assert.That(c, Is.InRange(0, SizeClasses.Count - 1), $"size {size}");
            Assert.That(SizeClasses.SizeOf(c), Is.GreaterThanOrEqualTo(size), $"size {size}");
            if (c > 0)
            {
                Assert.That(SizeClasses.SizeOf(c - 1), Is.LessThan(size), $"size {size}");
            }
        }

        Assert.That(SizeClasses.ClassFor(17), Is.EqualTo(1));
        Assert.That(SizeClasses.ClassFor(24), Is.EqualTo(1));
        Assert.That(SizeClasses.ClassFor(8193), Is.EqualTo(-1));
        Assert.That(SizeClasses.ClassFor(ulong.MaxValue), Is.EqualTo(-1));
    }

    [TestCase(-1)]
    [TestCase(SizeClasses.Count)]
    [TestCase(int.MinValue)]
    public void SizeOfAnUnknownClassIsZero(int sizeClass)
    {
        Assert.That(SizeClasses.SizeOf(sizeClass), Is.Zero);
    }

    [Test]
    public void StatusesHaveNames()
    {
        Assert.That(HeapStatus.Ok.Describe(), Is.EqualTo("ok"));
        Assert.That(HeapStatus.Misaligned.Describe(), Is.EqualTo("misaligned"));
        Assert.That(((HeapStatus)99).Describe(), Is.EqualTo("unknown"));
    }
}
