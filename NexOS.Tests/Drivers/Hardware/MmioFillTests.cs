using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers.Hardware;

/// <summary>IMmioRegion.Fill32: the default (one word at a time), the memory region's block
/// fill and a window's forwarding all fill exactly the run asked for, and drop the whole fill
/// when any of it would fall outside or the offset is misaligned.</summary>
[TestFixture]
public sealed class MmioFillTests
{
    /// <summary>Counts writes and leaves Fill32 to the interface's default.</summary>
    private sealed class CountingRegion : IMmioRegion
    {
        public CountingRegion(int length) => Memory = new MemoryMmioRegion(length);

        public MemoryMmioRegion Memory { get; }

        public int Writes { get; private set; }

        public ulong Length => Memory.Length;

        public byte Read8(ulong offset) => Memory.Read8(offset);

        public ushort Read16(ulong offset) => Memory.Read16(offset);

        public uint Read32(ulong offset) => Memory.Read32(offset);

        public ulong Read64(ulong offset) => Memory.Read64(offset);

        public void Write8(ulong offset, byte value) => Count(() => Memory.Write8(offset, value));

        public void Write16(ulong offset, ushort value) => Count(() => Memory.Write16(offset, value));

        public void Write32(ulong offset, uint value) => Count(() => Memory.Write32(offset, value));

        public void Write64(ulong offset, ulong value) => Count(() => Memory.Write64(offset, value));

        private void Count(Action write)
        {
            Writes++;
            write();
        }
    }

    private static IMmioRegion[] Regions(out MemoryMmioRegion[] memories)
    {
        var counting = new CountingRegion(64);
        var memory = new MemoryMmioRegion(64);
        var parent = new MemoryMmioRegion(96);
        var window = new MmioWindow(parent, 16, 64);
        foreach (MemoryMmioRegion m in new[] { counting.Memory, memory, parent })
        {
            Array.Fill(m.Bytes, (byte)0xEE);
        }

        memories = new[] { counting.Memory, memory, parent };
        return new IMmioRegion[] { counting, memory, window };
    }

    private static readonly int[] s_bases = { 0, 0, 16 };

    [Test]
    public void AFillWritesExactlyItsRunInEveryKindOfRegion()
    {
        IMmioRegion[] regions = Regions(out MemoryMmioRegion[] memories);
        for (int r = 0; r < regions.Length; r++)
        {
            regions[r].Fill32(8, 5, 0x11223344);
            byte[] bytes = memories[r].Bytes;
            int start = s_bases[r] + 8;
            for (int i = 0; i < bytes.Length; i++)
            {
                bool inside = i >= start && i < start + 20;
                byte expected = inside ? (byte)(0x44 - (0x11 * ((i - start) % 4))) : (byte)0xEE;
                Assert.That(bytes[i], Is.EqualTo(expected), $"region {r}, byte {i}");
            }
        }
    }

    [Test]
    public void AFillToTheVeryEndFits()
    {
        IMmioRegion[] regions = Regions(out MemoryMmioRegion[] memories);
        for (int r = 0; r < regions.Length; r++)
        {
            regions[r].Fill32(0, 16, 0);
            Assert.That(regions[r].Read32(60), Is.Zero, $"region {r}");
            Assert.That(memories[r].Bytes[s_bases[r] + 64 - 1], Is.Zero);
        }
    }

    [TestCase(4UL, 16, TestName = "a run one word past the end")]
    [TestCase(64UL, 1, TestName = "a run starting at the end")]
    [TestCase(2UL, 2, TestName = "a misaligned offset")]
    [TestCase(0UL, 0, TestName = "no words")]
    [TestCase(0UL, -3, TestName = "a negative count")]
    [TestCase(ulong.MaxValue - 3, 1, TestName = "an offset that would wrap")]
    [TestCase(8UL, int.MaxValue, TestName = "a count whose bytes overflow an int")]
    public void AFillThatDoesNotFitIsDroppedWhole(ulong offset, int count)
    {
        IMmioRegion[] regions = Regions(out MemoryMmioRegion[] memories);
        for (int r = 0; r < regions.Length; r++)
        {
            regions[r].Fill32(offset, count, 0);
            Assert.That(memories[r].Bytes, Is.All.EqualTo(0xEE), $"region {r}");
        }

        Assert.That(((CountingRegion)regions[0]).Writes, Is.Zero, "the default wrote nothing");
    }

    [Test]
    public void AWindowDoesNotLetAFillReachItsParentOutsideIt()
    {
        var parent = new MemoryMmioRegion(96);
        var window = new MmioWindow(parent, 16, 32);
        Array.Fill(parent.Bytes, (byte)0xEE);
        window.Fill32(16, 5, 0);
        Assert.That(parent.Bytes, Is.All.EqualTo(0xEE), "nothing written: the run leaves the window");
        window.Fill32(28, 1, 0);
        Assert.That(parent.Bytes[44], Is.Zero);
        Assert.That(parent.Bytes[48], Is.EqualTo(0xEE));
    }
}
