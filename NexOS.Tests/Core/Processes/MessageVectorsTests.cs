using NexOS.Core.Processes;

namespace NexOS.Tests.Core.Processes;

/// <summary>The pool of message interrupt vectors: one vector per device and entry, the same
/// one when asked again, bounded per device and in all.</summary>
[TestFixture]
public sealed class MessageVectorsTests
{
    [Test]
    public void EachDeviceAndEntryGetsItsOwnVectorFromThePool()
    {
        var pool = new MessageVectors(0x30, 16);
        Assert.That(pool.Claim(0xFEB0_0000, 0, out int a), Is.EqualTo(MessageVectorStatus.Ok));
        Assert.That(pool.Claim(0xFEB0_0000, 1, out int b), Is.EqualTo(MessageVectorStatus.Ok));
        Assert.That(pool.Claim(0xFEB1_0000, 0, out int c), Is.EqualTo(MessageVectorStatus.Ok));
        Assert.That(new[] { a, b, c }, Is.Unique);
        Assert.That(new[] { a, b, c }, Is.All.InRange(0x30, 0x3F));
        Assert.That(pool.Owner(b, out ulong device, out int index), Is.True);
        Assert.That((device, index), Is.EqualTo((0xFEB0_0000UL, 1)));
    }

    [Test]
    public void AskingAgainGivesTheSameVectorAndUsesNothing()
    {
        var pool = new MessageVectors(0x30, 4);
        Assert.That(pool.Claim(0xFEB0_0000, 3, out int first), Is.EqualTo(MessageVectorStatus.Ok));
        for (int i = 0; i < 100; i++)
        {
            Assert.That(pool.Claim(0xFEB0_0000, 3, out int again), Is.EqualTo(MessageVectorStatus.Ok));
            Assert.That(again, Is.EqualTo(first));
        }

        Assert.That(pool.Used, Is.EqualTo(1), "a restarted driver asking again takes no new vector");
    }

    [TestCase(-1)]
    [TestCase(MessageVectors.EntriesPerDevice)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void AnIndexOutOfRangeIsRefusedAndTakesNothing(int index)
    {
        var pool = new MessageVectors(0x30, 4);
        Assert.That(pool.Claim(0xFEB0_0000, index, out int vector), Is.EqualTo(MessageVectorStatus.BadIndex));
        Assert.That(vector, Is.Zero);
        Assert.That(pool.Used, Is.Zero);
    }

    [Test]
    public void AnEmptyPoolSaysSoAndKeepsWhatItGave()
    {
        var pool = new MessageVectors(0x30, 3);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(pool.Claim(0x1000 * (ulong)(i + 1), 0, out _), Is.EqualTo(MessageVectorStatus.Ok));
        }

        Assert.That(pool.Claim(0x9000, 0, out int none), Is.EqualTo(MessageVectorStatus.Exhausted));
        Assert.That(none, Is.Zero);
        Assert.That(pool.Claim(0x2000, 0, out int kept), Is.EqualTo(MessageVectorStatus.Ok), "a device that has its vector still gets it");
        Assert.That(kept, Is.EqualTo(0x31));
    }

    [Test]
    public void OneDeviceCannotTakeMoreThanItsEntries()
    {
        var pool = new MessageVectors(0x30, 64);
        int given = 0;
        for (int index = -4; index < 64; index++)
        {
            given += pool.Claim(0xFEB0_0000, index, out _) == MessageVectorStatus.Ok ? 1 : 0;
        }

        Assert.That(given, Is.EqualTo(MessageVectors.EntriesPerDevice));
        Assert.That(pool.Used, Is.EqualTo(MessageVectors.EntriesPerDevice));
    }

    [TestCase(0x2F)]
    [TestCase(0x31)]
    [TestCase(0xFF)]
    public void AVectorNotGivenHasNoOwner(int vector)
    {
        var pool = new MessageVectors(0x30, 4);
        _ = pool.Claim(0xFEB0_0000, 0, out _);
        Assert.That(pool.Owner(vector, out ulong device, out _), Is.False);
        Assert.That(device, Is.Zero);
    }
}
