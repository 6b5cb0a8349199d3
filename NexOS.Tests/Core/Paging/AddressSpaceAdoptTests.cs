using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

/// <summary>Tables the address space did not build: adopted roots, and entries written by
/// other code that restrict what the leaves allow.</summary>
[TestFixture]
public sealed class AddressSpaceAdoptTests
{
    [Test]
    public void AdoptedTablesAreUsedAsTheyAre()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0xFFFF_8000_0000_0000, 0x8000, Ro), Is.EqualTo(PagingStatus.Ok));

        var owned = AddressSpace.Adopt(rig.Memory, rig.Pool, rig.Space.Root, ownsTables: true);
        Assert.That(owned.TableFrames, Is.EqualTo(7), "counted at adoption");
        AssertMapped(owned, 0x40_1000, 0x7000, Rw);

        var borrowed = AddressSpace.Adopt(rig.Memory, rig.Pool, rig.Space.Root, ownsTables: false);
        Assert.That(borrowed.OwnsTables, Is.False);
        Assert.That(borrowed.TableFrames, Is.Zero);
        Assert.That(Unmap(borrowed, 0x40_1000), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(7), "a borrowed space never frees tables");
        Assert.That(borrowed.ReleaseTables(), Is.False);

        Assert.Throws<ArgumentException>(() => AddressSpace.Adopt(rig.Memory, rig.Pool, P(0x1234), ownsTables: false));
        Assert.Throws<ArgumentException>(() => AddressSpace.Adopt(rig.Memory, rig.Pool, P(1UL << 52), ownsTables: false));
    }

    [Test]
    public void TranslateCombinesRestrictiveTableEntriesLikeTheCpu()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, PageFlags.Writable | PageFlags.User), Is.EqualTo(PagingStatus.Ok));

        // Tables from elsewhere may restrict: a PML4 entry without Writable, a PDPT entry with NX.
        ulong root = rig.Space.Root.Value;
        rig.Memory.WriteEntry(P(root), 0, rig.Entry(root, 0) & ~(ulong)PageFlags.Writable);
        ulong pdpt = PagingRig.Next(rig.Entry(root, 0));
        rig.Memory.WriteEntry(P(pdpt), 0, rig.Entry(pdpt, 0) | (ulong)PageFlags.NoExecute);
        AssertMapped(rig.Space, 0x40_1000, 0x7000, PageFlags.User | PageFlags.NoExecute);

        // Mapping an executable, writable leaf below opens them again (and asks for a flush).
        Assert.That(rig.Space.Map(V(0x40_2000), P(0x8000), PageFlags.Writable, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        AssertMapped(rig.Space, 0x40_2000, 0x8000, PageFlags.Writable);
    }
}
