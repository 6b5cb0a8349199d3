using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

[TestFixture]
public sealed class AddressSpaceMapTests
{
    [Test]
    public void CreateTakesOneZeroedFrameForThePml4()
    {
        var rig = new PagingRig();
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1));
        Assert.That(rig.Space.TableFrames, Is.EqualTo(1));
        Assert.That(rig.Space.OwnsTables, Is.True);
        Assert.That(rig.Space.Root, Is.EqualTo(P(PagingRig.MemoryBase)));
        for (int i = 0; i < 512; i++)
        {
            Assert.That(rig.Entry(rig.Space.Root.Value, i), Is.Zero);
        }

        var memory = new FakePhysicalMemory(PagingRig.MemoryBase, 4);
        Assert.That(AddressSpace.TryCreate(memory, new FramePool(memory, limit: 0)), Is.Null);
    }

    [TestCase(0x0000_0000_0000_1000UL, 0x0000_0000_0009_F000UL)]
    [TestCase(0x0000_0000_0040_1000UL, 0x0000_0000_0040_1000UL)]
    [TestCase(0x0000_0012_3456_7000UL, 0x000F_FFFF_FFFF_F000UL)]
    [TestCase(0x0000_7FFF_FFFF_F000UL, 0x0000_0001_0000_0000UL)]
    [TestCase(0xFFFF_8000_0000_0000UL, 0x0000_0000_0000_0000UL)]
    [TestCase(0xFFFF_FFFF_8020_3000UL, 0x0000_0000_0020_3000UL)]
    [TestCase(0xFFFF_FFFF_FFFF_F000UL, 0x0000_0000_1234_5000UL)]
    public void MapThenTranslateRoundTrips(ulong virt, ulong phys)
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.Map(V(virt), P(phys), Rw, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.False, "a not-present entry is never cached");
        Assert.That(rig.Space.TableFrames, Is.EqualTo(4));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(4));
        AssertMapped(rig.Space, virt, phys, Rw);
        AssertMapped(rig.Space, virt + 0xABC, phys + 0xABC, Rw);
        AssertMapped(rig.Space, virt + 0xFFF, phys + 0xFFF, Rw);
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(1));

        // The neighbours stay unmapped (or are not canonical, at the edges of the halves).
        foreach (ulong neighbour in new[] { virt + Page, virt - Page })
        {
            if (V(neighbour).IsCanonical)
            {
                AssertUnmapped(rig.Space, neighbour);
            }
        }
    }

    [Test]
    public void NeighboursShareTablesAndEachLevelIsBuiltWhereExpected()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x40_2000, 0x9000, Ro), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.TableFrames, Is.EqualTo(4));

        ulong pdpt = PagingRig.Next(rig.Entry(rig.Space.Root.Value, 0));
        ulong pd = PagingRig.Next(rig.Entry(pdpt, 0));
        ulong pt = PagingRig.Next(rig.Entry(pd, 2));
        Assert.That(rig.Entry(pt, 1), Is.EqualTo(0x7000UL | (ulong)(Rw | PageFlags.Present)));
        Assert.That(rig.Entry(pt, 2), Is.EqualTo(0x9000UL | (ulong)(Ro | PageFlags.Present)));

        // Another 2 MiB slot needs only a page table; another GiB a directory too.
        Assert.That(Map(rig.Space, 0x60_0000, 0xA000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.TableFrames, Is.EqualTo(5));
        Assert.That(Map(rig.Space, 0x4000_0000, 0xB000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.TableFrames, Is.EqualTo(7));
    }

    [Test]
    public void IntermediateEntriesArePresentWritableAndNeverNoExecute()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, Ro), Is.EqualTo(PagingStatus.Ok));
        const ulong tableBits = (ulong)(PageFlags.Present | PageFlags.Writable);
        ulong pml4e = rig.Entry(rig.Space.Root.Value, 0);
        ulong pdpte = rig.Entry(PagingRig.Next(pml4e), 0);
        ulong pde = rig.Entry(PagingRig.Next(pdpte), 2);
        Assert.That(pml4e & ~PageTableEntry.AddressMask, Is.EqualTo(tableBits));
        Assert.That(pdpte & ~PageTableEntry.AddressMask, Is.EqualTo(tableBits));
        Assert.That(pde & ~PageTableEntry.AddressMask, Is.EqualTo(tableBits));

        // A user leaf elsewhere gets User on every level above it.
        Assert.That(Map(rig.Space, 0x0000_4000_0000_0000, 0x8000, UserRw), Is.EqualTo(PagingStatus.Ok));
        ulong userPml4e = rig.Entry(rig.Space.Root.Value, 128);
        ulong userPdpte = rig.Entry(PagingRig.Next(userPml4e), 0);
        ulong userPde = rig.Entry(PagingRig.Next(userPdpte), 0);
        Assert.That(userPml4e & ~PageTableEntry.AddressMask, Is.EqualTo(tableBits | (ulong)PageFlags.User));
        Assert.That(userPdpte & ~PageTableEntry.AddressMask, Is.EqualTo(tableBits | (ulong)PageFlags.User));
        Assert.That(userPde & ~PageTableEntry.AddressMask, Is.EqualTo(tableBits | (ulong)PageFlags.User));
    }

    [Test]
    public void UserLeafUnderKernelTablesWidensThemButKernelLeavesStaySupervisor()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.Map(V(0x40_2000), P(0x8000), UserRw, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True, "table entries changed while present");
        AssertMapped(rig.Space, 0x40_1000, 0x7000, Rw);
        AssertMapped(rig.Space, 0x40_2000, 0x8000, UserRw);
        ulong pml4e = rig.Entry(rig.Space.Root.Value, 0);
        Assert.That(pml4e & (ulong)PageFlags.User, Is.Not.Zero);

        // Once widened, another user page there changes nothing above it.
        Assert.That(rig.Space.Map(V(0x40_3000), P(0x9000), UserRw, out flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.False);
    }

    [Test]
    public void WritableAndExecutableAreTheLeafsAlone()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x10_0000, 0x10_0000, Rx), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x10_1000, 0x10_1000, Ro), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x10_2000, 0x10_2000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x10_3000, 0x10_3000, PageFlags.Writable | PageFlags.CacheDisable | PageFlags.Global), Is.EqualTo(PagingStatus.Ok));

        Assert.That(rig.Space.Translate(V(0x10_0000), out _, out PageFlags text), Is.EqualTo(PagingStatus.Ok));
        Assert.That(text & (PageFlags.Writable | PageFlags.NoExecute), Is.EqualTo(PageFlags.None), "text: read-only, executable");
        Assert.That(rig.Space.Translate(V(0x10_1000), out _, out PageFlags rodata), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rodata, Is.EqualTo(PageFlags.Present | PageFlags.NoExecute));
        Assert.That(rig.Space.Translate(V(0x10_2000), out _, out PageFlags data), Is.EqualTo(PagingStatus.Ok));
        Assert.That(data, Is.EqualTo(PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute));
        AssertMapped(rig.Space, 0x10_3000, 0x10_3000, PageFlags.Writable | PageFlags.CacheDisable | PageFlags.Global);
    }

    [Test]
    public void DoubleMapIsRefusedAndKeepsTheFirstMapping()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0xFFFF_8000_0000_5000, 0x5000, Rw), Is.EqualTo(PagingStatus.Ok));
        ulong[] before = rig.Memory.Snapshot();
        Assert.That(Map(rig.Space, 0xFFFF_8000_0000_5000, 0x6000, Ro), Is.EqualTo(PagingStatus.AlreadyMapped));
        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before));
        AssertMapped(rig.Space, 0xFFFF_8000_0000_5000, 0x5000, Rw);
    }

    [Test]
    public void UnmapReturnsTheFrameAndThenReportsNotMapped()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0xFFFF_FFFF_8000_0000, 0x12_3000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.Unmap(V(0xFFFF_FFFF_8000_0000), out PhysAddr phys, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(phys, Is.EqualTo(P(0x12_3000)));
        Assert.That(flush, Is.True);
        AssertUnmapped(rig.Space, 0xFFFF_FFFF_8000_0000);
        Assert.That(rig.Space.Unmap(V(0xFFFF_FFFF_8000_0000), out phys, out flush), Is.EqualTo(PagingStatus.NotMapped));
        Assert.That(phys, Is.EqualTo(default(PhysAddr)));
        Assert.That(flush, Is.False);
        Assert.That(Unmap(rig.Space, 0x1000), Is.EqualTo(PagingStatus.NotMapped), "nothing at all under the root");
    }

    [Test]
    public void ProtectChangesFlagsKeepsAddressAndHistory()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, Rw), Is.EqualTo(PagingStatus.Ok));

        // Pretend the CPU set Accessed and Dirty and software kept an unnamed bit in 10-11.
        ulong pt = PagingRig.Next(rig.Entry(PagingRig.Next(rig.Entry(PagingRig.Next(rig.Entry(rig.Space.Root.Value, 0)), 0)), 2));
        rig.Memory.WriteEntry(P(pt), 1, rig.Entry(pt, 1) | 0x460);
        Assert.That(rig.Space.Protect(V(0x40_1000), Ro, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        Assert.That(rig.Entry(pt, 1), Is.EqualTo(0x7000UL | 0x460 | (ulong)(Ro | PageFlags.Present)));
        AssertMapped(rig.Space, 0x40_1000, 0x7000, Ro | PageFlags.Accessed | PageFlags.Dirty);

        Assert.That(rig.Space.Protect(V(0x40_1000), Ro, out flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.False, "nothing changed");
        Assert.That(rig.Space.Protect(V(0x40_2000), Ro, out flush), Is.EqualTo(PagingStatus.NotMapped));
        Assert.That(rig.Space.Protect(V(0x40_1000), PageFlags.Huge, out _), Is.EqualTo(PagingStatus.InvalidFlags));
        Assert.That(rig.Space.Protect(V(0x40_1800), Ro, out _), Is.EqualTo(PagingStatus.Misaligned));
    }

    [Test]
    public void ProtectToUserWidensTheTablesAbove()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, Ro), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.Protect(V(0x40_1000), UserRw, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        AssertMapped(rig.Space, 0x40_1000, 0x7000, UserRw);
    }

    [TestCase(0x0000_8000_0000_0000UL, 0x1000UL, PagingStatus.NotCanonical, PagingStatus.NotCanonical)]
    [TestCase(0xFFFF_7FFF_FFFF_F000UL, 0x1000UL, PagingStatus.NotCanonical, PagingStatus.NotCanonical)]
    [TestCase(0x0000_0000_0040_1800UL, 0x1000UL, PagingStatus.Misaligned, PagingStatus.Misaligned)]
    [TestCase(0x0000_0000_0040_1000UL, 0x1080UL, PagingStatus.Misaligned, PagingStatus.NotMapped)]
    [TestCase(0x0000_0000_0040_1000UL, 0x0010_0000_0000_0000UL, PagingStatus.PhysOutOfRange, PagingStatus.NotMapped)]
    public void BadAddressesAreRefusedWithoutTakingFrames(ulong virt, ulong phys, PagingStatus expected, PagingStatus unmapExpected)
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, virt, phys, Rw), Is.EqualTo(expected));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1));
        Assert.That(rig.Space.Unmap(V(virt), out _, out bool flush), Is.EqualTo(unmapExpected));
        Assert.That(flush, Is.False);
        Assert.That(rig.Space.Protect(V(virt), Rw, out _), Is.EqualTo(unmapExpected));
    }

    [TestCase(PageFlags.Huge)]
    [TestCase((PageFlags)0x400)]
    [TestCase((PageFlags)0x0010_0000_0000_0000)]
    public void FlagsOutsideTheLeafSetAreRefused(PageFlags flags)
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x1000, 0x1000, Rw | flags), Is.EqualTo(PagingStatus.InvalidFlags));
        Assert.That(rig.Space.MapRange(V(0x1000), P(0x1000), Page, Rw | flags, false, out _), Is.EqualTo(PagingStatus.InvalidFlags));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1));
    }

    [Test]
    public void TranslateRefusesNonCanonicalAddresses()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.Translate(V(0x0000_8000_0000_0000), out _, out _), Is.EqualTo(PagingStatus.NotCanonical));
    }
}
