using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

/// <summary>Measuring and releasing user spaces: owned frames and the space's own tables go
/// back, borrowed frames and the kernel's shared tables stay.</summary>
[TestFixture]
public sealed class AddressSpaceUserReleaseTests
{
    private const ulong UserBase = UserLayout.UserBase;
    private const ulong TopSpan = 1UL << 39;
    private const PageFlags Owned = PageFlags.OwnedFrame;

    [Test]
    public void ReleaseFreesExactlyTheOwnedFramesAndTheUserTables()
    {
        var rig = new UserRig(frames: 1024);
        int baseline = rig.KernelFrames;
        ulong[] kernelTables = rig.KernelTables();
        long kernelTableFrames = rig.Kernel.TableFrames;
        AddressSpace user = rig.User;

        // Owned pages in four top-level entries (one in the higher half), two places in each.
        ulong owned = 0;
        foreach (int top in new[] { 1, 2, 100, 255, 300 })
        {
            ulong start = VirtAddr.Canonicalize((ulong)top * TopSpan).Value;
            foreach (ulong offset in new[] { 0x1000UL, (3 * GiB) + (5 * MiB) - (20 * Page) })
            {
                for (ulong i = 0; i < 40; i++)
                {
                    Assert.That(rig.Pool.TryAllocateFrame(out PhysAddr frame), Is.True);
                    Assert.That(user.Map(V(start + offset + (i * Page)), frame, UserRw | Owned, out _), Is.EqualTo(PagingStatus.Ok));
                    owned++;
                }
            }
        }

        // Borrowed: frames someone else took from the pool, device registers outside it, and
        // a 2 MiB leaf of device memory.
        var lent = new List<PhysAddr>();
        for (ulong i = 0; i < 10; i++)
        {
            Assert.That(rig.Pool.TryAllocateFrame(out PhysAddr frame), Is.True);
            lent.Add(frame);
            Assert.That(user.Map(V(UserBase + (7 * GiB) + (i * Page)), frame, UserRw, out _), Is.EqualTo(PagingStatus.Ok));
        }

        Assert.That(user.MapRange(V(UserBase + (8 * GiB)), P(0xFEE0_0000), 16 * Page, UserRw | PageFlags.CacheDisable, false, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(user.MapRange(V(UserBase + (9 * GiB)), P(0x8000_0000), 2 * MiB, UserRw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        ulong borrowed = 10 + 16 + 512;

        Assert.That(user.CountUserPages(out UserSpaceUsage usage), Is.True);
        Assert.That(usage.OwnedPages, Is.EqualTo(owned));
        Assert.That(usage.BorrowedPages, Is.EqualTo(borrowed));
        Assert.That(usage.TableFrames, Is.EqualTo(user.TableFrames));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(baseline + (int)usage.FramesHeld + lent.Count));
        Assert.That(user.CountMappedPages(), Is.EqualTo(owned + borrowed + rig.Kernel.CountMappedPages()), "regions include the shared kernel pages");

        Assert.That(user.ReleaseUserSpace(out UserSpaceUsage freed), Is.True);
        Assert.That(freed, Is.EqualTo(usage));
        Assert.That(user.IsReleased, Is.True);
        Assert.That(user.TableFrames, Is.Zero);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(baseline + lent.Count), "only the lent frames are still out");

        // Freeing a lent frame the release had freed already would throw in the pool.
        foreach (PhysAddr frame in lent)
        {
            rig.Pool.FreeFrame(frame);
        }

        Assert.That(rig.Pool.Allocated, Is.EqualTo(baseline));
        Assert.That(rig.KernelTables(), Is.EqualTo(kernelTables), "the kernel's tables are untouched");
        Assert.That(rig.Kernel.TableFrames, Is.EqualTo(kernelTableFrames));
        AssertMapped(rig.Kernel, 0x3000, 0x3000, Rw);
    }

    [Test]
    public void ReleasingAnEmptyUserSpaceGivesBackItsPml4Only()
    {
        var rig = new UserRig();
        Assert.That(rig.User.CountUserPages(out UserSpaceUsage usage), Is.True);
        Assert.That(usage, Is.EqualTo(new UserSpaceUsage(0, 0, 1)));
        Assert.That(rig.User.ReleaseUserSpace(out UserSpaceUsage freed), Is.True);
        Assert.That(freed, Is.EqualTo(usage));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.KernelFrames));
    }

    [Test]
    public void BigLeavesAreBorrowedAndTablesFromSplittingThemAreFreed()
    {
        var rig = new UserRig();
        AddressSpace user = rig.User;
        Assert.That(user.MapRange(V(UserBase), P(0x8000_0000), 4 * MiB, UserRw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(user.SplitLeaf(V(UserBase + Page), out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Unmap(user, UserBase + Page), Is.EqualTo(PagingStatus.Ok), "a guard page");

        // Bit 9 on the 2 MiB leaf left whole (written by other code) does not make it owned.
        ulong pd = PageTableEntry.Address(rig.Memory.ReadEntry(P(PageTableEntry.Address(rig.Memory.ReadEntry(user.Root, 1))), 0));
        rig.Memory.WriteEntry(P(pd), 1, rig.Memory.ReadEntry(P(pd), 1) | (ulong)Owned);
        Assert.That(user.CountUserPages(out UserSpaceUsage usage), Is.True);
        Assert.That(usage, Is.EqualTo(new UserSpaceUsage(0, 1023, 4)));
        Assert.That(user.ReleaseUserSpace(out UserSpaceUsage freed), Is.True);
        Assert.That(freed, Is.EqualTo(usage));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.KernelFrames));
    }

    [Test]
    public void ReleaseTwiceOrOnAKernelSpaceIsRefusedAndAReleasedSpaceRefusesEverything()
    {
        var rig = new UserRig();
        AddressSpace user = rig.User;
        Assert.That(Map(user, UserBase, 0x9000, UserRw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(user.ReleaseTables(), Is.False, "would leak owned frames and free the kernel's tables");
        Assert.That(rig.Kernel.ReleaseUserSpace(out UserSpaceUsage freed), Is.False);
        Assert.That(freed, Is.EqualTo(default(UserSpaceUsage)));
        Assert.That(rig.Kernel.CountUserPages(out UserSpaceUsage usage), Is.False);
        Assert.That(usage, Is.EqualTo(default(UserSpaceUsage)));

        Assert.That(user.ReleaseUserSpace(out _), Is.True);
        int allocated = rig.Pool.Allocated;
        Assert.That(user.ReleaseUserSpace(out freed), Is.False);
        Assert.That(freed, Is.EqualTo(default(UserSpaceUsage)));
        Assert.That(user.CountUserPages(out usage), Is.False);
        Assert.That(user.ReleaseTables(), Is.False);

        // Its PML4 is a free frame now (the fake memory throws on any access to it).
        Assert.That(Map(user, UserBase, 0x9000, UserRw), Is.EqualTo(PagingStatus.Released));
        Assert.That(user.MapRange(V(UserBase), P(0), MiB, UserRw, true, out _), Is.EqualTo(PagingStatus.Released));
        Assert.That(Unmap(user, UserBase), Is.EqualTo(PagingStatus.Released));
        Assert.That(user.UnmapRange(V(UserBase), MiB, out _), Is.EqualTo(PagingStatus.Released));
        Assert.That(user.Protect(V(UserBase), UserRw, out _), Is.EqualTo(PagingStatus.Released));
        Assert.That(user.SplitLeaf(V(UserBase), out _), Is.EqualTo(PagingStatus.Released));
        Assert.That(user.Translate(V(0x1000), out PhysAddr phys, out PageFlags flags), Is.EqualTo(PagingStatus.Released));
        Assert.That(phys, Is.EqualTo(default(PhysAddr)));
        Assert.That(flags, Is.EqualTo(PageFlags.None));
        Assert.That(Regions(user), Is.Empty);
        Assert.That(user.CountMappedPages(), Is.Zero);
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, user, 1, out AddressSpace? child), Is.EqualTo(PagingStatus.ShareRefused));
        Assert.That(child, Is.Null);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(allocated));

        // The kernel carries on, and gives out new user spaces.
        AssertMapped(rig.Kernel, 0x1000, 0x1000, Rw);
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Kernel, 1, out AddressSpace? next), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(next!, 0x1000, 0x1000, Rw);
    }

    [Test]
    public void AReleasedKernelSpaceSharesNothing()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x1000, 0x1000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.ReleaseTables(), Is.True);
        Assert.That(rig.Space.ReleaseTables(), Is.False, "twice");
        Assert.That(AddressSpace.TryCreateUser(rig.Memory, rig.Pool, rig.Space, 1, out AddressSpace? user), Is.EqualTo(PagingStatus.ShareRefused));
        Assert.That(user, Is.Null);
        Assert.That(Map(rig.Space, 0x1000, 0x1000, Rw), Is.EqualTo(PagingStatus.Released));
        Assert.That(rig.Pool.Allocated, Is.Zero);
    }

    [Test]
    public void ChurnThenReleaseBalancesThePool()
    {
        var rig = new UserRig(frames: 512);
        AddressSpace user = rig.User;
        var random = new Random(1234);
        var ownedPages = new HashSet<ulong>();
        var borrowedPages = new HashSet<ulong>();
        for (int step = 0; step < 2000; step++)
        {
            // Pages spread over three top-level entries and a few tables in each.
            ulong page = VirtAddr.Canonicalize(((ulong)random.Next(1, 4) * TopSpan) + ((ulong)random.Next(0, 4) * GiB) + ((ulong)random.Next(0, 64) * Page)).Value;
            if (ownedPages.Contains(page) || borrowedPages.Contains(page))
            {
                Assert.That(user.Translate(V(page), out _, out PageFlags was), Is.EqualTo(PagingStatus.Ok));
                Assert.That(user.Unmap(V(page), out PhysAddr frame, out _), Is.EqualTo(PagingStatus.Ok));
                if ((was & Owned) != 0)
                {
                    rig.Pool.FreeFrame(frame);
                }

                Assert.That(ownedPages.Remove(page) || borrowedPages.Remove(page), Is.True);
            }
            else if (random.Next(4) == 0)
            {
                Assert.That(Map(user, page, 0xFEE0_0000, UserRw), Is.EqualTo(PagingStatus.Ok));
                borrowedPages.Add(page);
            }
            else
            {
                Assert.That(rig.Pool.TryAllocateFrame(out PhysAddr frame), Is.True);
                Assert.That(user.Map(V(page), frame, UserRw | Owned, out _), Is.EqualTo(PagingStatus.Ok));
                ownedPages.Add(page);
            }
        }

        Assert.That(user.CountUserPages(out UserSpaceUsage usage), Is.True);
        Assert.That(usage.OwnedPages, Is.EqualTo((ulong)ownedPages.Count));
        Assert.That(usage.BorrowedPages, Is.EqualTo((ulong)borrowedPages.Count));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.KernelFrames + (int)usage.FramesHeld));
        Assert.That(user.ReleaseUserSpace(out UserSpaceUsage freed), Is.True);
        Assert.That(freed, Is.EqualTo(usage));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.KernelFrames));
    }

    [Test]
    public void CountAndReleaseDoNotAllocate()
    {
        var rig = new UserRig(frames: 256);
        for (ulong i = 0; i < 100; i++)
        {
            Assert.That(rig.Pool.TryAllocateFrame(out PhysAddr frame), Is.True);
            Assert.That(rig.User.Map(V(UserBase + (i * MiB)), frame, UserRw | Owned, out _), Is.EqualTo(PagingStatus.Ok));
        }

        AddressSpace user = rig.User;
        Assert.That(user.CountUserPages(out _), Is.True);
        bool released = false;
        long allocated = AllocationMeter.Measure(() =>
        {
            user.CountUserPages(out _);
            released = user.ReleaseUserSpace(out _);
        });
        Assert.That(allocated, Is.Zero);
        Assert.That(released, Is.True);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.KernelFrames));
    }
}
