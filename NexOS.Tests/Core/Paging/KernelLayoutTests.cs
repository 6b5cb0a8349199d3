using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

[TestFixture]
public sealed class KernelLayoutTests
{
    // Shaped like the real image (link.ld: 1 MiB load address, page-aligned sections, the
    // boot stack in .bss) on a 128 MiB QEMU machine.
    private static readonly PhysRange[] s_ram = { R(0, 0x9_FC00), R(0x10_0000, 0x7FE_0000) };
    private static readonly KernelImage s_image = new(R(0x10_0000, 0x18_0123), R(0x18_1000, 0x1A_0456), R(0x1A_1000, 0x24_0000));
    private static readonly PhysRange[] s_stacks = { R(0x20_0000, 0x24_0000), R(0x30_0000, 0x31_0000) };
    private static readonly PhysRange[] s_vga = { R(0xB_8000, 0xB_8FA0) };

    [Test]
    public void MappingsAreSortedAlignedDisjointAndIdentity()
    {
        List<KernelMapping> mappings = KernelLayout.Build(s_image, s_ram, s_stacks, s_vga);
        Assert.That(mappings, Is.Not.Empty);
        for (int i = 0; i < mappings.Count; i++)
        {
            KernelMapping m = mappings[i];
            Assert.That(m.Virt.Value, Is.EqualTo(m.Phys.Value), "identity");
            Assert.That(m.Virt.Value % Page, Is.Zero);
            Assert.That(m.Length % Page, Is.Zero);
            Assert.That(m.Length, Is.GreaterThan(0UL));
            Assert.That(m.Flags & PageFlags.Present, Is.EqualTo(PageFlags.Present));
            Assert.That(m.Flags & PageFlags.Huge, Is.EqualTo(PageFlags.None));
            if (i > 0)
            {
                KernelMapping previous = mappings[i - 1];
                Assert.That(previous.Virt.Value + previous.Length, Is.LessThanOrEqualTo(m.Virt.Value), "sorted, no overlap");
                bool touching = previous.Virt.Value + previous.Length == m.Virt.Value;
                Assert.That(touching && previous.Flags == m.Flags, Is.False, "neighbours with equal flags are merged");
            }
        }
    }

    [Test]
    public void SectionsGetTheirPermissionsAndNothingIsWritableAndExecutable()
    {
        List<KernelMapping> mappings = KernelLayout.Build(s_image, s_ram, s_stacks, s_vga);
        foreach (KernelMapping m in mappings)
        {
            bool writable = (m.Flags & PageFlags.Writable) != 0;
            bool executable = (m.Flags & PageFlags.NoExecute) == 0;
            Assert.That(writable && executable, Is.False, $"W^X at {m.Virt}");
        }

        Assert.That(FlagsAt(mappings, 0x10_0000), Is.EqualTo(KernelLayout.TextFlags));
        Assert.That(FlagsAt(mappings, 0x18_0000), Is.EqualTo(KernelLayout.TextFlags), "text's partial last page");
        Assert.That(FlagsAt(mappings, 0x18_1000), Is.EqualTo(KernelLayout.ReadOnlyDataFlags));
        Assert.That(FlagsAt(mappings, 0x1A_0000), Is.EqualTo(KernelLayout.ReadOnlyDataFlags));
        Assert.That(FlagsAt(mappings, 0x1A_1000), Is.EqualTo(KernelLayout.DataFlags));
        Assert.That(FlagsAt(mappings, 0x23_F000), Is.EqualTo(KernelLayout.DataFlags));
        Assert.That(FlagsAt(mappings, 0x24_0000), Is.EqualTo(KernelLayout.RamFlags));
        Assert.That(FlagsAt(mappings, 0x1000), Is.EqualTo(KernelLayout.RamFlags));
        Assert.That(FlagsAt(mappings, 0x7FD_F000), Is.EqualTo(KernelLayout.RamFlags));
        Assert.That(FlagsAt(mappings, KernelLayout.LocalApicBase), Is.EqualTo(KernelLayout.MmioFlags));
        Assert.That(FlagsAt(mappings, KernelLayout.IoApicBase), Is.EqualTo(KernelLayout.MmioFlags));
        Assert.That(FlagsAt(mappings, 0xB_8000), Is.EqualTo(KernelLayout.MmioFlags));
        Assert.That(KernelLayout.MmioFlags & PageFlags.CacheDisable, Is.EqualTo(PageFlags.CacheDisable));
    }

    [TestCase(0x0UL, "page 0")]
    [TestCase(0x1F_F000UL, "guard under the boot stack, inside .bss")]
    [TestCase(0x2F_F000UL, "guard under the second stack")]
    [TestCase(0x9_F000UL, "partial RAM page")]
    [TestCase(0xA_0000UL, "not RAM")]
    [TestCase(0xB_9000UL, "past the VGA window")]
    [TestCase(0x7FE_0000UL, "past the end of RAM")]
    [TestCase(0xFEE0_1000UL, "past the local APIC page")]
    public void HolesStayUnmapped(ulong address, string what)
    {
        List<KernelMapping> mappings = KernelLayout.Build(s_image, s_ram, s_stacks, s_vga);
        Assert.That(FlagsAt(mappings, address), Is.Null, what);
    }

    [Test]
    public void AppliedLayoutTranslatesAsPlannedAndUsesHugePages()
    {
        var rig = new PagingRig(frames: 64);
        List<KernelMapping> mappings = KernelLayout.Build(s_image, s_ram, s_stacks, s_vga);
        Assert.That(KernelLayout.Apply(rig.Space, mappings, out int failed), Is.EqualTo(PagingStatus.Ok));
        Assert.That(failed, Is.EqualTo(-1));

        AssertMapped(rig.Space, 0x10_0040, 0x10_0040, KernelLayout.TextFlags & ~PageFlags.Present);
        AssertMapped(rig.Space, 0x1A_2000, 0x1A_2000, KernelLayout.DataFlags & ~PageFlags.Present);
        AssertMapped(rig.Space, 0x40_0000, 0x40_0000, Rw | PageFlags.Huge);
        AssertMapped(rig.Space, KernelLayout.LocalApicBase + 0x20, KernelLayout.LocalApicBase + 0x20, Rw | PageFlags.CacheDisable);
        AssertUnmapped(rig.Space, 0);
        AssertUnmapped(rig.Space, 0x1F_F000);
        AssertUnmapped(rig.Space, 0x2F_F000);

        ulong expected = 0;
        foreach (KernelMapping m in mappings)
        {
            expected += m.Length / Page;
        }

        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(expected));
        Assert.That(rig.Space.TableFrames, Is.LessThan(16), "2 MiB pages keep the tables few");
    }

    [Test]
    public void ApplyReportsTheFirstMappingThatFailed()
    {
        var rig = new PagingRig(frames: 64, limit: 3);
        List<KernelMapping> mappings = KernelLayout.Build(s_image, s_ram, s_stacks, s_vga);
        Assert.That(KernelLayout.Apply(rig.Space, mappings, out int failed), Is.EqualTo(PagingStatus.OutOfFrames));
        Assert.That(failed, Is.Zero, "the first mapping needs a page table beyond the limit");
    }

    [Test]
    public void StacksThatDoNotStartOnAPageGetNoGuard()
    {
        // Like boot.asm's boot stack today: 16-byte aligned, right after the boot TLS page.
        PhysRange[] stacks = { R(0x20_1040, 0x24_1040), R(0x30_0000, 0x30_0000), R(0, 0x1000) };
        List<KernelMapping> mappings = KernelLayout.Build(s_image, s_ram, stacks);
        Assert.That(FlagsAt(mappings, 0x20_0000), Is.EqualTo(KernelLayout.DataFlags));
        Assert.That(FlagsAt(mappings, 0x20_1000), Is.EqualTo(KernelLayout.DataFlags));
        Assert.That(FlagsAt(mappings, 0x2F_F000), Is.EqualTo(KernelLayout.RamFlags), "empty stack: no guard");
        Assert.That(FlagsAt(mappings, 0x1000), Is.EqualTo(KernelLayout.RamFlags), "no page below 0");
    }

    [Test]
    public void SectionsSharingAPageGetBothPermissions()
    {
        var image = new KernelImage(R(0x10_0000, 0x10_1800), R(0x10_1800, 0x10_3000), R(0x10_3000, 0x10_4000));
        List<KernelMapping> mappings = KernelLayout.Build(image, s_ram, ReadOnlySpan<PhysRange>.Empty);
        Assert.That(FlagsAt(mappings, 0x10_0000), Is.EqualTo(KernelLayout.TextFlags));
        Assert.That(FlagsAt(mappings, 0x10_1000), Is.EqualTo(KernelLayout.TextFlags), "text and rodata share it: executable");
        Assert.That(FlagsAt(mappings, 0x10_2000), Is.EqualTo(KernelLayout.ReadOnlyDataFlags));
    }

    [Test]
    public void WithoutRamOnlyTheImageAndMmioAreMappedAndHighRangesAreDropped()
    {
        PhysRange[] ram = { R(0x8000_0000_0000, 0x8000_0001_0000), R(0x5000, 0x4000) };
        List<KernelMapping> mappings = KernelLayout.Build(s_image, ram, ReadOnlySpan<PhysRange>.Empty);
        ulong total = 0;
        foreach (KernelMapping m in mappings)
        {
            total += m.Length;
            Assert.That(m.Virt.Value + m.Length, Is.LessThanOrEqualTo(VirtAddr.LowerHalfEnd));
        }

        Assert.That(total, Is.EqualTo(0x24_0000 - 0x10_0000 + (2 * Page)), "the image and two APIC pages");
        Assert.That(FlagsAt(mappings, 0x18_0FFF), Is.EqualTo(KernelLayout.TextFlags), "text widened to its page end");
        Assert.That(FlagsAt(mappings, 0x24_0000), Is.Null, "no RAM after the image");
    }

    private static PhysRange R(ulong start, ulong end) => new(new PhysAddr(start), new PhysAddr(end));

    /// <summary>Flags of the mapping covering <paramref name="address"/>, or null.</summary>
    private static PageFlags? FlagsAt(List<KernelMapping> mappings, ulong address)
    {
        foreach (KernelMapping m in mappings)
        {
            if (address >= m.Virt.Value && address - m.Virt.Value < m.Length)
            {
                return m.Flags;
            }
        }

        return null;
    }
}
