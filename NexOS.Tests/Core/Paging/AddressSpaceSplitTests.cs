using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

/// <summary>Splitting large leaves so that one page inside can change: how the kernel puts a
/// guard page under a stack that lies in a 2 MiB mapping.</summary>
[TestFixture]
public sealed class AddressSpaceSplitTests
{
    [Test]
    public void SplittingAHugeLeafKeepsEveryTranslationAndLetsOnePageGo()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(8 * MiB), 2 * MiB, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        long tables = rig.Space.TableFrames;
        Assert.That(rig.Space.SplitLeaf(V((2 * MiB) + (5 * Page) + 123), out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        Assert.That(rig.Space.TableFrames, Is.EqualTo(tables + 1));
        for (ulong offset = 0; offset < 2 * MiB; offset += Page)
        {
            AssertMapped(rig.Space, (2 * MiB) + offset + 8, (8 * MiB) + offset + 8, Rw);
        }

        Assert.That(Unmap(rig.Space, (2 * MiB) + (7 * Page)), Is.EqualTo(PagingStatus.Ok));
        AssertUnmapped(rig.Space, (2 * MiB) + (7 * Page));
        AssertMapped(rig.Space, (2 * MiB) + (6 * Page), (8 * MiB) + (6 * Page), Rw);
        AssertMapped(rig.Space, (2 * MiB) + (8 * Page), (8 * MiB) + (8 * Page), Rw);
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(511));
    }

    [Test]
    public void SplittingTwiceFindsSmallPagesAndOnlyTheAddressedLeafSplits()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(GiB), P(GiB), 4 * MiB, Ro, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.SplitLeaf(V(GiB + (3 * MiB)), out _), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(rig.Space, GiB + (3 * MiB) + Page, GiB + (3 * MiB) + Page, Ro);
        AssertMapped(rig.Space, GiB + 8, GiB + 8, Ro | PageFlags.Huge);
        Assert.That(rig.Space.SplitLeaf(V(GiB + (3 * MiB)), out bool flush), Is.EqualTo(PagingStatus.AlreadyMapped));
        Assert.That(flush, Is.False);
    }

    [Test]
    public void NothingToSplitChangesNothing()
    {
        var rig = new PagingRig(limit: 4);
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(0), 2 * MiB, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        ulong[] before = rig.Memory.Snapshot();
        Assert.That(rig.Space.SplitLeaf(V(8 * MiB), out _), Is.EqualTo(PagingStatus.NotMapped));
        Assert.That(rig.Space.SplitLeaf(V(0x0000_8000_0000_0000), out _), Is.EqualTo(PagingStatus.NotCanonical));
        rig.Pool.Limit = rig.Pool.Allocated;
        Assert.That(rig.Space.SplitLeaf(V(2 * MiB), out bool flush), Is.EqualTo(PagingStatus.OutOfFrames));
        Assert.That(flush, Is.False);
        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before));
        AssertMapped(rig.Space, 3 * MiB, MiB, Rw | PageFlags.Huge);
    }
}
