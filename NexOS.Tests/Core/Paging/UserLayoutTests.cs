using NexOS.Core.Paging;

namespace NexOS.Tests.Core.Paging;

[TestFixture]
public sealed class UserLayoutTests
{
    [Test]
    public void UserSpaceStartsAfterTheKernelsTopLevelEntriesAndStopsAPageShortOfTheHole()
    {
        Assert.That(UserLayout.UserBase, Is.EqualTo((ulong)UserLayout.KernelTopLevelEntries << 39));
        Assert.That(new VirtAddr(UserLayout.UserBase).Pml4Index, Is.EqualTo(UserLayout.KernelTopLevelEntries));
        Assert.That(new VirtAddr(UserLayout.UserBase - 1).Pml4Index, Is.EqualTo(UserLayout.KernelTopLevelEntries - 1));
        Assert.That(UserLayout.UserTop, Is.EqualTo(VirtAddr.LowerHalfEnd - VirtAddr.PageSize));
        Assert.That(new VirtAddr(UserLayout.UserTop - 1).Pml4Index, Is.EqualTo(255));
    }

    [TestCase(0x0000_0080_0000_0000UL, 0x1000UL, true)]
    [TestCase(0x0000_0080_0000_0000UL, 0x0000_7F7F_FFFF_F000UL, true)]
    [TestCase(0x0000_7FFF_FFFF_E000UL, 0x1000UL, true)]
    [TestCase(0x0000_7FFF_FFFF_F000UL, 0UL, true)]
    [TestCase(0x0000_0123_4567_8000UL, 0UL, true)]
    [TestCase(0x0000_007F_FFFF_F000UL, 0x1000UL, false)]
    [TestCase(0x0000_007F_FFFF_F000UL, 0x2000UL, false)]
    [TestCase(0UL, 0UL, false)]
    [TestCase(0x0000_7FFF_FFFF_E000UL, 0x2000UL, false)]
    [TestCase(0x0000_7FFF_FFFF_F000UL, 0x1000UL, false)]
    [TestCase(0x0000_7FFF_FFFF_F000UL, 1UL, false)]
    [TestCase(0x0000_8000_0000_0000UL, 0UL, false)]
    [TestCase(0xFFFF_8000_0000_0000UL, 0x1000UL, false)]
    [TestCase(0x0000_0080_0000_0000UL, ulong.MaxValue, false)]
    [TestCase(0x0000_7FFF_0000_0000UL, 0xFFFF_8001_0000_0000UL, false)]
    [TestCase(ulong.MaxValue, 1UL, false)]
    public void IsUserRangeChecksBothEndsWithoutOverflow(ulong start, ulong length, bool expected)
    {
        Assert.That(UserLayout.IsUserRange(start, length), Is.EqualTo(expected));
    }
}
