using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

/// <summary>User spaces: their own PML4, the kernel's first entries shared, and no way to
/// change the kernel's mappings through them.</summary>
[TestFixture]
public sealed class AddressSpaceUserTests
{
    private const ulong UserBase = UserLayout.UserBase;

    [Test]
    public void SharedEntriesAreTheKernelsAndTheRestIsEmpty()
    {
        var rig = new UserRig();
        Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.KernelFrames + 1), "one frame, the PML4");
        Assert.That(rig.User.TableFrames, Is.EqualTo(1));
        Assert.That(rig.User.IsUserSpace, Is.True);
        Assert.That(rig.User.SharedTopEntries, Is.EqualTo(1));
        Assert.That(rig.User.OwnsTables, Is.True);
        Assert.That(rig.Kernel.IsUserSpace, Is.False);
        Assert.That(rig.Kernel.SharedTopEntries, Is.Zero);

        ulong kernelRoot = rig.Kernel.Root.Value;
        ulong userRoot = rig.User.Root.Value;
        Assert.That(userRoot, Is.Not.EqualTo(kernelRoot));
        Assert.That(rig.Memory.ReadEntry(P(userRoot), 0), Is.EqualTo(rig.Memory.ReadEntry(P(kernelRoot), 0)));
        Assert.That(rig.Memory.ReadEntry(P(userRoot), 0) & (ulong)PageFlags.User, Is.Zero);
        for (int i = 1; i < 512; i++)
        {
            Assert.That(rig.Memory.ReadEntry(P(userRoot), i), Is.Zero, $"entry {i}");
        }

        AssertMapped(rig.User, 0x2345, 0x2345, Rw);
        AssertMapped(rig.User, (5 * MiB) + 8, (5 * MiB) + 8, Rw | PageFlags.Huge);
        AssertUnmapped(rig.User, UserBase);
    }

    [Test]
    public void SeveralSharedEntriesAreCopiedInOrder()
    {
        var rig = new UserRig();
        Assert.That(Map(rig.Kernel, 0x0000_0080_0000_0000, 0x9000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Kernel, 0x0000_0100_0000_0000, 0xA000, Ro), Is.EqualTo(PagingStatus.Ok));
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Kernel, 3, out AddressSpace? user), Is.EqualTo(PagingStatus.Ok));
        Assert.That(user!.SharedTopEntries, Is.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(rig.Memory.ReadEntry(user.Root, i), Is.EqualTo(rig.Memory.ReadEntry(rig.Kernel.Root, i)), $"entry {i}");
        }

        AssertMapped(user, 0x0000_0100_0000_0000, 0xA000, Ro);
        Assert.That(Map(user, 0x0000_0100_0000_1000, 0xB000, UserRw), Is.EqualTo(PagingStatus.KernelRange));
        Assert.That(Map(user, 0x0000_0180_0000_0000, 0xB000, UserRw), Is.EqualTo(PagingStatus.Ok));
    }

    [Test]
    public void KernelMappingsMadeLaterUnderASharedEntryShowThroughTheUserSpace()
    {
        var rig = new UserRig();
        AssertUnmapped(rig.User, 0x5000);
        AssertUnmapped(rig.User, GiB);

        // A page in the kernel's existing page table, then one needing a new directory.
        Assert.That(Map(rig.Kernel, 0x5000, 0x5000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Kernel, GiB, 0x7000, Ro), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(rig.User, 0x5000, 0x5000, Rw);
        AssertMapped(rig.User, GiB + 0x10, 0x7010, Ro);
        Assert.That(rig.User.TableFrames, Is.EqualTo(1), "the new directory is the kernel's");

        Assert.That(Unmap(rig.Kernel, 0x5000), Is.EqualTo(PagingStatus.Ok));
        AssertUnmapped(rig.User, 0x5000);
    }

    [Test]
    public void ChangesUnderSharedEntriesAreRefusedWithKernelRange()
    {
        var rig = new UserRig();
        ulong[] before = rig.Memory.Snapshot();
        int allocated = rig.Pool.Allocated;
        AddressSpace user = rig.User;

        Assert.That(Map(user, 0x5000, 0x5000, UserRw), Is.EqualTo(PagingStatus.KernelRange), "a free page under entry 0");
        Assert.That(Map(user, UserBase - Page, 0x5000, UserRw), Is.EqualTo(PagingStatus.KernelRange), "the last page of entry 0");
        Assert.That(user.MapRange(V(GiB), P(0), 4 * MiB, UserRw, allowHuge: true, out _), Is.EqualTo(PagingStatus.KernelRange));
        Assert.That(user.MapRange(V(UserBase - Page), P(0), 2 * Page, UserRw, false, out _), Is.EqualTo(PagingStatus.KernelRange), "straddling into user space");
        Assert.That(user.MapRange(V(0x5000), P(0), 0, UserRw, false, out _), Is.EqualTo(PagingStatus.KernelRange), "even empty");
        Assert.That(Unmap(user, 0x1000), Is.EqualTo(PagingStatus.KernelRange));
        Assert.That(user.UnmapRange(V(0), 8 * MiB, out bool flush), Is.EqualTo(PagingStatus.KernelRange));
        Assert.That(flush, Is.False);
        Assert.That(user.UnmapRange(V(UserBase - MiB), 2 * MiB, out _), Is.EqualTo(PagingStatus.KernelRange));
        Assert.That(user.Protect(V(0x1000), UserRw, out flush), Is.EqualTo(PagingStatus.KernelRange));
        Assert.That(flush, Is.False);
        Assert.That(user.Protect(V(2 * MiB), UserRw, out _), Is.EqualTo(PagingStatus.KernelRange), "a huge kernel leaf");
        Assert.That(user.SplitLeaf(V(2 * MiB), out flush), Is.EqualTo(PagingStatus.KernelRange));
        Assert.That(flush, Is.False);

        // Argument checks still come first.
        Assert.That(Map(user, 0x5800, 0x5000, UserRw), Is.EqualTo(PagingStatus.Misaligned));
        Assert.That(Map(user, 0x0001_0000_0000_0000, 0x5000, UserRw), Is.EqualTo(PagingStatus.NotCanonical));

        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(allocated));
        AssertMapped(user, 0x1000, 0x1000, Rw);
        AssertMapped(rig.Kernel, 0x1000, 0x1000, Rw);
    }

    [Test]
    public void UserMappingsGoInTablesOfTheUserSpaceAlone()
    {
        var rig = new UserRig();
        ulong[] kernelTables = rig.KernelTables();
        Assert.That(Map(rig.User, UserBase, 0x9000, UserRw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.User.MapRange(V(UserLayout.UserTop - (2 * Page)), P(0xA000), 2 * Page, UserRw, false, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.User.TableFrames, Is.EqualTo(7));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.KernelFrames + 7));
        AssertMapped(rig.User, UserBase, 0x9000, UserRw);
        AssertUnmapped(rig.Kernel, UserBase);
        Assert.That(rig.KernelTables(), Is.EqualTo(kernelTables));

        Assert.That(rig.User.UnmapRange(V(UserBase), 1UL << 39, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.User.TableFrames, Is.EqualTo(4), "the emptied tables went back");
        Assert.That(rig.Memory.ReadEntry(rig.User.Root, 0), Is.EqualTo(rig.Memory.ReadEntry(rig.Kernel.Root, 0)));
    }

    [Test]
    public void GlobalLeavesAreRefusedInUserSpaces()
    {
        var rig = new UserRig();
        Assert.That(Map(rig.User, UserBase, 0x9000, UserRw | PageFlags.Global), Is.EqualTo(PagingStatus.InvalidFlags));
        Assert.That(rig.User.MapRange(V(UserBase), P(0x9000), Page, Rw | PageFlags.Global, false, out _), Is.EqualTo(PagingStatus.InvalidFlags));
        Assert.That(Map(rig.User, UserBase, 0x9000, UserRw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.User.Protect(V(UserBase), UserRw | PageFlags.Global, out _), Is.EqualTo(PagingStatus.InvalidFlags));
        AssertMapped(rig.User, UserBase, 0x9000, UserRw);
        Assert.That(Map(rig.Kernel, 0x8000, 0x8000, Rw | PageFlags.Global), Is.EqualTo(PagingStatus.Ok), "the kernel's own may be global");
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(512)]
    [TestCase(513)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void SharedCountsOutsideOneTo511AreRefused(int count)
    {
        // Every kernel entry is fit to share, so only the count can be wrong.
        var rig = new UserRig();
        ulong entry0 = rig.Memory.ReadEntry(rig.Kernel.Root, 0);
        for (int i = 1; i < 512; i++)
        {
            rig.Memory.WriteEntry(rig.Kernel.Root, i, entry0);
        }

        ulong[] before = rig.Memory.Snapshot();
        int allocated = rig.Pool.Allocated;
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Kernel, count, out AddressSpace? user), Is.EqualTo(PagingStatus.ShareRefused));
        Assert.That(user, Is.Null);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(allocated));
        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void AllButTheLastTopLevelEntryCanBeShared()
    {
        var rig = new UserRig();

        // Point kernel entries 1 to 510 at the same directory as entry 0: present, supervisor.
        ulong entry0 = rig.Memory.ReadEntry(rig.Kernel.Root, 0);
        for (int i = 1; i < 511; i++)
        {
            rig.Memory.WriteEntry(rig.Kernel.Root, i, entry0);
        }

        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Kernel, 511, out AddressSpace? user), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(user!, 0xFFFF_FF00_0000_1000, 0x1000, Rw);
        Assert.That(Map(user!, 0xFFFF_FF80_0000_0000, 0x9000, UserRw), Is.EqualTo(PagingStatus.Ok), "entry 511 is the space's own");
        Assert.That(Map(user!, 0xFFFF_FF7F_FFFF_F000, 0x9000, UserRw), Is.EqualTo(PagingStatus.KernelRange));
    }

    [Test]
    public void KernelEntriesThatCannotBeSharedAreRefused()
    {
        var rig = new UserRig();
        int allocated = rig.Pool.Allocated;
        ulong entry0 = rig.Memory.ReadEntry(rig.Kernel.Root, 0);

        // Entry 1 is not present: the kernel could fill it later, unseen.
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Kernel, 2, out AddressSpace? user), Is.EqualTo(PagingStatus.ShareRefused));
        Assert.That(user, Is.Null);

        // Entry 0 grants ring 3 access.
        rig.Memory.WriteEntry(rig.Kernel.Root, 0, entry0 | (ulong)PageFlags.User);
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Kernel, 1, out user), Is.EqualTo(PagingStatus.ShareRefused));
        Assert.That(user, Is.Null);
        rig.Memory.WriteEntry(rig.Kernel.Root, 0, entry0);

        // A user space is no kernel to share from.
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.User, 1, out user), Is.EqualTo(PagingStatus.ShareRefused));
        Assert.That(user, Is.Null);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(allocated));

        // And with the entry fit but no frame left, nothing is taken.
        rig.Pool.Limit = allocated;
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Kernel, 1, out user), Is.EqualTo(PagingStatus.OutOfFrames));
        Assert.That(user, Is.Null);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(allocated));
    }

    [Test]
    public void AKernelRootWithUserSetFromTheStartIsRefused()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x1000, 0x1000, UserRw), Is.EqualTo(PagingStatus.Ok), "widens PML4 entry 0 with User");
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Space, 1, out AddressSpace? user), Is.EqualTo(PagingStatus.ShareRefused));
        Assert.That(user, Is.Null);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(4));
        Assert.That(rig.Space.ReleaseTables(), Is.True, "never shared, so not pinned");
    }

    [Test]
    public void TheKernelKeepsTablesItShares()
    {
        var rig = new UserRig();
        ulong pdpt = PageTableEntry.Address(rig.Memory.ReadEntry(rig.Kernel.Root, 0));

        // Everything under entry 0 goes; the directory table the user space points to stays.
        Assert.That(rig.Kernel.UnmapRange(V(0), GiB, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Memory.ReadEntry(rig.Kernel.Root, 0), Is.EqualTo(rig.Memory.ReadEntry(rig.User.Root, 0)));
        Assert.That(rig.Kernel.TableFrames, Is.EqualTo(2), "PML4 and the shared PDPT");
        Assert.That(rig.Memory.ReadEntry(P(pdpt), 0), Is.Zero);
        AssertUnmapped(rig.User, 0x1000);
        Assert.That(rig.Kernel.ReleaseTables(), Is.False, "user spaces point into it");

        // Mapping there again reuses the kept table, and the user space sees it.
        Assert.That(Map(rig.Kernel, 0x1000, 0x1000, Rw), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(rig.User, 0x1000, 0x1000, Rw);
    }

    [Test]
    public void RefusalsInAUserSpaceDoNotAllocate()
    {
        var rig = new UserRig();
        Assert.That(Map(rig.User, UserBase, 0x9000, UserRw), Is.EqualTo(PagingStatus.Ok));
        Refuse(rig.User);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                Refuse(rig.User);
            }
        });
        Assert.That(allocated, Is.Zero);
    }

    private static void Refuse(AddressSpace user)
    {
        bool ok = user.Map(new VirtAddr(0x5000), new PhysAddr(0x5000), UserRw, out _) == PagingStatus.KernelRange
            && user.MapRange(new VirtAddr(0), new PhysAddr(0), MiB, UserRw, true, out _) == PagingStatus.KernelRange
            && user.Unmap(new VirtAddr(0x1000), out _, out _) == PagingStatus.KernelRange
            && user.UnmapRange(new VirtAddr(0), MiB, out _) == PagingStatus.KernelRange
            && user.Protect(new VirtAddr(0x1000), UserRw, out _) == PagingStatus.KernelRange
            && user.SplitLeaf(new VirtAddr(2 * MiB), out _) == PagingStatus.KernelRange
            && user.Protect(new VirtAddr(UserBase), UserRw | PageFlags.Global, out _) == PagingStatus.InvalidFlags
            && user.Translate(new VirtAddr(0x1000), out _, out _) == PagingStatus.Ok
            && user.CountUserPages(out UserSpaceUsage usage) && usage.TableFrames == 4;
        if (!ok)
        {
            throw new InvalidOperationException("unexpected status");
        }
    }
}
