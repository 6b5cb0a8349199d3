using System.Buffers.Binary;
using System.Linq;
using System.Text;
using NexOS.Core.Loader;
using NexOS.Core.Memory;
using NexOS.Core.Paging;
using NexOS.Tests.Core.Paging;

namespace NexOS.Tests.Core;

/// <summary>The program loader against emulated page tables and frames: what lands where, with
/// which access, the System V start block, and that every failure takes back all it mapped.</summary>
[TestFixture]
public sealed class ProgramLoaderTests
{
    private const ulong UserBase = 0x1_0000, UserTop = 0x8000_0000_0000;
    private const ulong StackTop = 0x7FFF_0000_0000, StackSize = 16 * 4096;

    private static readonly string[] s_argv = { "hello", "--greeting=grüß dich" };
    private static readonly string[] s_envp = { "TERM=nexos" };
    private static readonly byte[] s_random = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();

    [Test]
    public void SegmentsLandWithTheirBytesAndAccess()
    {
        (byte[] file, ElfImage image) = Executable();
        var rig = new PagingRig(frames: 128);
        var bytes = new FrameBytes();
        Assert.That(Load(rig, bytes, image, file, out ProgramStart start, out string error), Is.EqualTo(LoadStatus.Ok), error);
        Assert.That(start.Entry, Is.EqualTo(0x401000UL));
        Assert.That(start.PagesMapped, Is.EqualTo(1 + 1 + 3 + 16));

        AssertPage(rig, 0x400000, PageFlags.User | PageFlags.NoExecute, writable: false);
        AssertPage(rig, 0x401000, PageFlags.User, writable: false);
        AssertPage(rig, 0x402000, PageFlags.User | PageFlags.NoExecute, writable: true);
        Assert.That(Read(rig, bytes, 0x400000, 0x200), Is.EqualTo(file.AsSpan(0, 0x200).ToArray()));
        Assert.That(Read(rig, bytes, 0x400200, 0xE00), Is.All.Zero, "the rest of the page is zero, not the file's next bytes");
        Assert.That(Read(rig, bytes, 0x401000, 0x100), Is.EqualTo(file.AsSpan(0x1000, 0x100).ToArray()));
        Assert.That(Read(rig, bytes, 0x402000, 0x80), Is.EqualTo(file.AsSpan(0x2000, 0x80).ToArray()));
        Assert.That(Read(rig, bytes, 0x402080, 0x3000 - 0x80), Is.All.Zero, "bss");
    }

    [Test]
    public void TheStackHasAGuardAndTheSystemVStartBlock()
    {
        (byte[] file, ElfImage image) = Executable();
        var rig = new PagingRig(frames: 128);
        var bytes = new FrameBytes();
        Assert.That(Load(rig, bytes, image, file, out ProgramStart start, out string error), Is.EqualTo(LoadStatus.Ok), error);
        for (ulong page = StackTop - StackSize; page < StackTop; page += 4096)
        {
            AssertPage(rig, page, PageFlags.User | PageFlags.NoExecute, writable: true);
        }

        Assert.That(rig.Space.Translate(new VirtAddr(StackTop - StackSize - 4096), out _, out _), Is.EqualTo(PagingStatus.NotMapped), "guard page");
        Assert.That(rig.Space.Translate(new VirtAddr(StackTop), out _, out _), Is.EqualTo(PagingStatus.NotMapped));

        ulong sp = start.StackPointer;
        Assert.That(sp % 16, Is.Zero, "the ABI wants RSP 16-byte aligned at argc");
        Assert.That(Word(rig, bytes, sp), Is.EqualTo(2UL), "argc");
        Assert.That(String(rig, bytes, Word(rig, bytes, sp + 8)), Is.EqualTo("hello"));
        Assert.That(String(rig, bytes, Word(rig, bytes, sp + 16)), Is.EqualTo("--greeting=grüß dich"));
        Assert.That(Word(rig, bytes, sp + 24), Is.Zero, "argv ends");
        Assert.That(String(rig, bytes, Word(rig, bytes, sp + 32)), Is.EqualTo("TERM=nexos"));
        Assert.That(Word(rig, bytes, sp + 40), Is.Zero, "envp ends");
        var aux = new Dictionary<ulong, ulong>();
        for (ulong at = sp + 48; ; at += 16)
        {
            ulong key = Word(rig, bytes, at);
            if (key == 0)
            {
                break;
            }

            aux.Add(key, Word(rig, bytes, at + 8));
        }

        Assert.That(aux[3], Is.EqualTo(0x400040UL), "AT_PHDR: the table at file offset 64, loaded with the first segment");
        Assert.That(aux[4], Is.EqualTo(56UL), "AT_PHENT");
        Assert.That(aux[5], Is.EqualTo(6UL), "AT_PHNUM");
        Assert.That(aux[6], Is.EqualTo(4096UL), "AT_PAGESZ");
        Assert.That(aux[9], Is.EqualTo(0x401000UL), "AT_ENTRY");
        Assert.That(Read(rig, bytes, aux[25], 16), Is.EqualTo(s_random), "AT_RANDOM");
        Assert.That(aux[25], Is.EqualTo(StackTop - 16));
    }

    [Test]
    public void RunningOutOfFramesAtAnyStepLeavesNoPageBehind()
    {
        (byte[] file, ElfImage image) = Executable();
        int failures = 0;
        for (int limit = 1; ; limit++)
        {
            var rig = new PagingRig(frames: 128, limit: limit);
            var bytes = new FrameBytes();
            LoadStatus status = Load(rig, bytes, image, file, out _, out string error);
            if (status == LoadStatus.Ok)
            {
                break;
            }

            failures++;
            Assert.That(status, Is.EqualTo(LoadStatus.OutOfFrames), error);
            Assert.That(rig.Space.CountMappedPages(), Is.Zero, $"limit {limit}: every page mapped was taken back");
            Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.Space.TableFrames), $"limit {limit}: only page tables hold frames");
        }

        Assert.That(failures, Is.GreaterThan(20), "the limit met every step: segments, stack, tables");
    }

    [Test]
    public void APageAlreadyInUseFailsTheLoadAndUndoesIt()
    {
        (byte[] file, ElfImage image) = Executable();
        var rig = new PagingRig(frames: 128);
        Assert.That(rig.Pool.TryAllocateFrame(out PhysAddr taken), Is.True);
        Assert.That(rig.Space.Map(new VirtAddr(0x403000), taken, PageFlags.Present | PageFlags.User, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Load(rig, new FrameBytes(), image, file, out _, out string error), Is.EqualTo(LoadStatus.AddressInUse));
        Assert.That(error, Does.Contain("0x403000"));
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(1UL), "only the page that was there before");
    }

    [TestCase(StackTop + 8, StackSize, "not a page-aligned")]
    [TestCase(StackTop, 4096UL, "not a page-aligned")]
    [TestCase(StackTop, StackSize + 1, "not a page-aligned")]
    [TestCase(0x404000UL, 0x2000UL, "overlaps the segment")]
    [TestCase(0x408000UL, 0x3000UL, "overlaps the segment")]
    [TestCase(0x8000_0000_2000UL, 0x2000UL, "not a page-aligned user range")]
    public void AStackThatCannotBeIsRefusedBeforeAnythingIsMapped(ulong top, ulong size, string expected)
    {
        (byte[] file, ElfImage image) = Executable();
        var rig = new PagingRig(frames: 128);
        LoadStatus status = ProgramLoader.Load(image, file, rig.Space, rig.Pool, new FrameBytes(), top, size, s_argv, s_envp, s_random, out _, out string error);
        Assert.That(status, Is.EqualTo(LoadStatus.BadStack));
        Assert.That(error, Does.Contain(expected));
        Assert.That(rig.Space.CountMappedPages(), Is.Zero);
    }

    [Test]
    public void AStartBlockTooLargeForItsBoundsOrItsStackIsRefusedAndUndone()
    {
        (byte[] file, ElfImage image) = Executable();
        var cases = new (string[] Argv, ulong StackSize, byte[] Random)[]
        {
            (Enumerable.Repeat("x", ProgramLoader.MaxStrings).ToArray(), StackSize, s_random),
            (new[] { new string('y', ProgramLoader.MaxStringBytes) }, 64 * 4096, s_random),
            (new[] { new string('z', 9000) }, 2 * 4096, s_random),
            (s_argv, StackSize, new byte[8]),
        };
        foreach ((string[] argv, ulong size, byte[] random) in cases)
        {
            var rig = new PagingRig(frames: 256);
            LoadStatus status = ProgramLoader.Load(image, file, rig.Space, rig.Pool, new FrameBytes(), StackTop, size, argv, s_envp, random, out _, out string error);
            Assert.That(status, Is.EqualTo(LoadStatus.StartBlockTooLarge), error);
            Assert.That(rig.Space.CountMappedPages(), Is.Zero);
            Assert.That(rig.Pool.Allocated, Is.EqualTo(rig.Space.TableFrames));
        }

        var fits = new PagingRig(frames: 256);
        string[] most = { new string('y', ProgramLoader.MaxStringBytes - 1) };
        Assert.That(ProgramLoader.Load(image, file, fits.Space, fits.Pool, new FrameBytes(), StackTop, 64 * 4096, most, Array.Empty<string>(), s_random, out _, out string fitError),
            Is.EqualTo(LoadStatus.Ok), fitError);
    }

    private static LoadStatus Load(PagingRig rig, FrameBytes bytes, ElfImage image, byte[] file, out ProgramStart start, out string error)
        => ProgramLoader.Load(image, file, rig.Space, rig.Pool, bytes, StackTop, StackSize, s_argv, s_envp, s_random, out start, out error);

    private static (byte[] File, ElfImage Image) Executable()
    {
        byte[] file = ElfImageTests.Build();
        for (int i = 400; i < file.Length; i++)
        {
            file[i] = (byte)(i * 7);
        }

        ElfImage image = ElfImage.TryParse(file, UserBase, UserTop, out string error) ?? throw new InvalidOperationException(error);
        return (file, image);
    }

    private static void AssertPage(PagingRig rig, ulong address, PageFlags expected, bool writable)
    {
        Assert.That(rig.Space.Translate(new VirtAddr(address), out _, out PageFlags flags), Is.EqualTo(PagingStatus.Ok), $"0x{address:X}");
        Assert.That(flags & (PageFlags.User | PageFlags.NoExecute), Is.EqualTo(expected), $"0x{address:X}");
        Assert.That((flags & PageFlags.Writable) != 0, Is.EqualTo(writable), $"0x{address:X} writable");
    }

    private static byte[] Read(PagingRig rig, FrameBytes bytes, ulong address, int length)
    {
        var result = new byte[length];
        for (int i = 0; i < length; i++)
        {
            ulong at = address + (ulong)i;
            Assert.That(rig.Space.Translate(new VirtAddr(at & ~0xFFFUL), out PhysAddr frame, out _), Is.EqualTo(PagingStatus.Ok));
            result[i] = bytes.Frame(frame)[(int)(at & 0xFFF)];
        }

        return result;
    }

    private static ulong Word(PagingRig rig, FrameBytes bytes, ulong address) => BinaryPrimitives.ReadUInt64LittleEndian(Read(rig, bytes, address, 8));

    private static string String(PagingRig rig, FrameBytes bytes, ulong address)
    {
        var text = new List<byte>();
        for (ulong at = address; ; at++)
        {
            byte b = Read(rig, bytes, at, 1)[0];
            if (b == 0)
            {
                return Encoding.UTF8.GetString(text.ToArray());
            }

            text.Add(b);
        }
    }

    /// <summary>Frame contents by address; a frame read before it is zeroed or written is noise.</summary>
    internal sealed class FrameBytes : IFrameBytes
    {
        private readonly Dictionary<ulong, byte[]> _frames = new();

        public byte[] Frame(PhysAddr frame)
        {
            if (!_frames.TryGetValue(frame.Value, out byte[]? bytes))
            {
                bytes = Enumerable.Repeat((byte)0xA5, 4096).ToArray();
                _frames.Add(frame.Value, bytes);
            }

            return bytes;
        }

        public void Zero(PhysAddr frame) => Array.Clear(Frame(frame));

        public void Copy(PhysAddr to, int toOffset, PhysAddr from, int fromOffset, int length)
        {
            Within(toOffset, length);
            Within(fromOffset, length);
            Frame(from).AsSpan(fromOffset, length).CopyTo(Frame(to).AsSpan(toOffset));
        }

        public void Write(PhysAddr frame, int offset, ReadOnlySpan<byte> bytes)
        {
            Within(offset, bytes.Length);
            bytes.CopyTo(Frame(frame).AsSpan(offset));
        }

        public void Read(PhysAddr frame, int offset, Span<byte> destination)
        {
            Within(offset, destination.Length);
            Frame(frame).AsSpan(offset, destination.Length).CopyTo(destination);
        }

        // A plain check rather than an assertion: the copies are measured for allocation.
        private static void Within(int offset, int length)
        {
            if (offset < 0 || offset + length > 4096)
            {
                throw new InvalidOperationException($"frame access {offset} + {length} leaves the frame");
            }
        }
    }
}
