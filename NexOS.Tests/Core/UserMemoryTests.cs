using System.Linq;
using NexOS.Core.Loader;
using NexOS.Core.Memory;
using NexOS.Core.Paging;
using NexOS.Tests.Core.Paging;

namespace NexOS.Tests.Core;

/// <summary>Copies to and from a program's memory: through its page tables, checked page by page
/// before a byte moves, against a model of which pages allow what; hostile ranges of every kind;
/// no allocation.</summary>
[TestFixture]
public sealed class UserMemoryTests
{
    private const ulong UserTop = 0x8000_0000_0000;
    private const ulong Base = 0x10_0000;

    // Pages from Base: 0 read-write, 1 read-write, 2 read-only, 3 unmapped, 4 kernel-only, 5 read-write.
    private static readonly PageFlags?[] s_layout =
    {
        PageFlags.User | PageFlags.Writable | PageFlags.NoExecute,
        PageFlags.User | PageFlags.Writable | PageFlags.NoExecute,
        PageFlags.User | PageFlags.NoExecute,
        null,
        PageFlags.Writable | PageFlags.NoExecute,
        PageFlags.User | PageFlags.Writable | PageFlags.NoExecute,
    };

    [Test]
    public void BytesCrossPagesBothWays()
    {
        (PagingRig rig, ProgramLoaderTests.FrameBytes bytes) = Rig();
        byte[] data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 13)).ToArray();
        Assert.That(UserMemory.CopyOut(rig.Space, bytes, UserTop, Base + 100, data), Is.EqualTo(UserAccessStatus.Ok));
        var back = new byte[5000];
        Assert.That(UserMemory.CopyIn(rig.Space, bytes, UserTop, Base + 100, back), Is.EqualTo(UserAccessStatus.Ok));
        Assert.That(back, Is.EqualTo(data));

        var readOnly = new byte[64];
        Assert.That(UserMemory.CopyIn(rig.Space, bytes, UserTop, Base + (2 * 4096) + 8, readOnly), Is.EqualTo(UserAccessStatus.Ok), "a read-only page can be read");
    }

    [TestCase(Base + (2 * 4096) - 10, 20, false, UserAccessStatus.Ok)]
    [TestCase(Base + (2 * 4096) - 10, 20, true, UserAccessStatus.ReadOnly)]
    [TestCase(Base + (3 * 4096) - 1, 2, false, UserAccessStatus.NotMapped)]
    [TestCase(Base + (4 * 4096), 1, false, UserAccessStatus.NotUserPage)]
    [TestCase(Base + (5 * 4096) - 1, 2, true, UserAccessStatus.NotUserPage)]
    [TestCase(Base - 1, 2, false, UserAccessStatus.NotMapped)]
    [TestCase(0UL, 1, false, UserAccessStatus.BadRange)]
    [TestCase(4095UL, 1, false, UserAccessStatus.BadRange)]
    [TestCase(UserTop - 1, 2, false, UserAccessStatus.BadRange)]
    [TestCase(UserTop, 1, false, UserAccessStatus.BadRange)]
    [TestCase(0xFFFF_8000_0000_0000UL, 16, false, UserAccessStatus.BadRange)]
    [TestCase(0xFFFF_FFFF_FFFF_FFF0UL, 32, true, UserAccessStatus.BadRange)]
    public void EveryRangeIsCheckedBeforeAByteMoves(ulong address, int length, bool write, UserAccessStatus expected)
    {
        (PagingRig rig, ProgramLoaderTests.FrameBytes bytes) = Rig();
        byte[] before = Snapshot(rig, bytes);
        var buffer = Enumerable.Repeat((byte)0x5A, length).ToArray();
        UserAccessStatus status = write
            ? UserMemory.CopyOut(rig.Space, bytes, UserTop, address, buffer)
            : UserMemory.CopyIn(rig.Space, bytes, UserTop, address, buffer);
        Assert.That(status, Is.EqualTo(expected));
        if (status != UserAccessStatus.Ok)
        {
            Assert.That(Snapshot(rig, bytes), Is.EqualTo(before), "a refused copy out wrote nothing");
            Assert.That(buffer, Is.All.EqualTo((byte)0x5A), "a refused copy in filled nothing");
        }
    }

    [Test]
    public void CopyAcrossMovesBytesFrameToFrameAcrossUnalignedPageEdges()
    {
        (PagingRig rig, ProgramLoaderTests.FrameBytes bytes) = Rig();
        byte[] data = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        ulong page5 = Base + (5 * 4096);
        Assert.That(UserMemory.CopyOut(rig.Space, bytes, UserTop, page5 + 500, data), Is.EqualTo(UserAccessStatus.Ok));

        // The destination crosses a page edge, then the source does.
        Assert.That(UserMemory.CopyAcross(bytes, UserTop, rig.Space, page5 + 500, rig.Space, Base + 4096 - 1234, 3000, out bool refused), Is.EqualTo(UserAccessStatus.Ok));
        Assert.That(refused, Is.False);
        Assert.That(UserMemory.CopyAcross(bytes, UserTop, rig.Space, Base + 4096 - 200, rig.Space, page5 + 3650, 400, out _), Is.EqualTo(UserAccessStatus.Ok));
        var back = new byte[3000];
        Assert.That(UserMemory.CopyIn(rig.Space, bytes, UserTop, Base + 4096 - 1234, back), Is.EqualTo(UserAccessStatus.Ok));
        Assert.That(back, Is.EqualTo(data));
        back = new byte[400];
        Assert.That(UserMemory.CopyIn(rig.Space, bytes, UserTop, page5 + 3650, back), Is.EqualTo(UserAccessStatus.Ok));
        Assert.That(back, Is.EqualTo(data.AsSpan(1034, 400).ToArray()));
    }

    [TestCase(Base + (3 * 4096) - 10, Base, 20, false, UserAccessStatus.NotMapped)]
    [TestCase(Base + (4 * 4096), Base, 8, false, UserAccessStatus.NotUserPage)]
    [TestCase(Base, Base + (2 * 4096) + 100, 20, true, UserAccessStatus.ReadOnly)]
    [TestCase(Base, Base + (2 * 4096) - 10, 20, true, UserAccessStatus.ReadOnly)]
    [TestCase(Base, Base + (3 * 4096), 1, true, UserAccessStatus.NotMapped)]
    [TestCase(Base, UserTop - 8, 16, true, UserAccessStatus.BadRange)]
    [TestCase(0UL, Base, 16, false, UserAccessStatus.BadRange)]
    public void CopyAcrossChecksBothSidesBeforeAByteMovesAndSaysWhichFailed(ulong from, ulong to, int length, bool destination, UserAccessStatus expected)
    {
        (PagingRig rig, ProgramLoaderTests.FrameBytes bytes) = Rig();
        byte[] before = Snapshot(rig, bytes);
        Assert.That(UserMemory.CopyAcross(bytes, UserTop, rig.Space, from, rig.Space, to, length, out bool destinationFailed), Is.EqualTo(expected));
        Assert.That(destinationFailed, Is.EqualTo(destination));
        Assert.That(Snapshot(rig, bytes), Is.EqualTo(before), "a refused copy moved nothing");
    }

    [Test]
    public void EmptyAndOversizedCopies()
    {
        (PagingRig rig, ProgramLoaderTests.FrameBytes bytes) = Rig();
        Assert.That(UserMemory.CopyIn(rig.Space, bytes, UserTop, 0, Span<byte>.Empty), Is.EqualTo(UserAccessStatus.Ok), "nothing to copy, nothing to check");
        Assert.That(UserMemory.Check(rig.Space, UserTop, Base, UserMemory.MaxCopy + 1UL, false), Is.EqualTo(UserAccessStatus.TooLarge));
        Assert.That(UserMemory.Check(rig.Space, UserTop, Base, ulong.MaxValue, false), Is.EqualTo(UserAccessStatus.TooLarge));
    }

    [Test]
    public void RandomRangesAgreeWithAModelOfThePages()
    {
        (PagingRig rig, ProgramLoaderTests.FrameBytes bytes) = Rig();
        var random = new Random(15);
        for (int i = 0; i < 20_000; i++)
        {
            ulong address = random.Next(4) switch
            {
                0 => (ulong)random.NextInt64(),
                1 => UserTop - (ulong)random.Next(0, 8192),
                _ => Base - 4096 + (ulong)random.Next(0, 8 * 4096),
            };
            ulong length = random.Next(3) == 0 ? (ulong)random.NextInt64() : (ulong)random.Next(0, 3 * 4096);
            bool write = random.Next(2) == 0;
            Assert.That(UserMemory.Check(rig.Space, UserTop, address, length, write), Is.EqualTo(Model(address, length, write)), $"0x{address:X} + {length}, write {write}");
        }
    }

    [Test]
    public void CopiesDoNotAllocate()
    {
        (PagingRig rig, ProgramLoaderTests.FrameBytes bytes) = Rig();
        var buffer = new byte[6000];
        UserMemory.CopyIn(rig.Space, bytes, UserTop, Base, buffer);
        UserMemory.CopyOut(rig.Space, bytes, UserTop, Base, buffer.AsSpan(0, 8000 - 6000));
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                UserMemory.CopyIn(rig.Space, bytes, UserTop, Base + (ulong)i, buffer);
                UserMemory.CopyOut(rig.Space, bytes, UserTop, Base + (ulong)i, buffer.AsSpan(0, 2000));
                UserMemory.CopyIn(rig.Space, bytes, UserTop, Base + (3 * 4096), buffer.AsSpan(0, 10));
            }
        });
        Assert.That(allocated, Is.Zero);
    }

    private static UserAccessStatus Model(ulong address, ulong length, bool write)
    {
        if (length == 0)
        {
            return UserAccessStatus.Ok;
        }

        if (length > UserMemory.MaxCopy)
        {
            return UserAccessStatus.TooLarge;
        }

        if (address < 4096 || address > UserTop || UserTop - address < length)
        {
            return UserAccessStatus.BadRange;
        }

        for (ulong page = address & ~0xFFFUL; page < address + length; page += 4096)
        {
            long index = page >= Base ? (long)((page - Base) / 4096) : -1;
            PageFlags? flags = index >= 0 && index < s_layout.Length ? s_layout[index] : null;
            if (flags == null)
            {
                return UserAccessStatus.NotMapped;
            }

            if ((flags & PageFlags.User) == 0)
            {
                return UserAccessStatus.NotUserPage;
            }

            if (write && (flags & PageFlags.Writable) == 0)
            {
                return UserAccessStatus.ReadOnly;
            }
        }

        return UserAccessStatus.Ok;
    }

    private static (PagingRig Rig, ProgramLoaderTests.FrameBytes Bytes) Rig()
    {
        var rig = new PagingRig(frames: 64);
        var bytes = new ProgramLoaderTests.FrameBytes();
        for (int i = 0; i < s_layout.Length; i++)
        {
            if (s_layout[i] is PageFlags flags)
            {
                Assert.That(rig.Pool.TryAllocateFrame(out PhysAddr frame), Is.True);
                bytes.Zero(frame);
                Assert.That(rig.Space.Map(new VirtAddr(Base + ((ulong)i * 4096)), frame, PageFlags.Present | flags, out _), Is.EqualTo(PagingStatus.Ok));
            }
        }

        return (rig, bytes);
    }

    private static byte[] Snapshot(PagingRig rig, ProgramLoaderTests.FrameBytes bytes)
    {
        var all = new List<byte>();
        for (int i = 0; i < s_layout.Length; i++)
        {
            if (s_layout[i] != null)
            {
                rig.Space.Translate(new VirtAddr(Base + ((ulong)i * 4096)), out PhysAddr frame, out _);
                all.AddRange(bytes.Frame(frame));
            }
        }

        return all.ToArray();
    }
}
