using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Paging;
using NexOS.Core.Processes;

namespace NexOS.Tests.Core.Processes;

/// <summary>Numbers the ABI, the kernel and the manifest parser must agree on, written down in
/// more than one place for layering reasons (NexOS.Abi depends on nothing).</summary>
[TestFixture]
public sealed class AbiConsistencyTests
{
    [Test]
    public void RightsHaveTheSameBitsEverywhere()
    {
        Assert.That(ServiceManifest.Send, Is.EqualTo((ulong)IpcRights.Send));
        Assert.That(ServiceManifest.Receive, Is.EqualTo((ulong)IpcRights.Receive));
        Assert.That(ServiceManifest.Grant, Is.EqualTo((ulong)IpcRights.Grant));
        Assert.That(ServiceManifest.Signal, Is.EqualTo((ulong)IpcRights.Signal));
        Assert.That(ServiceManifest.Wait, Is.EqualTo((ulong)IpcRights.Wait));
        Assert.That(ServiceManifest.AllRights, Is.EqualTo((ulong)IpcRights.All));
    }

    [Test]
    public void TheUserRangeIsTheSameInTheAbiAndThePagingLayer()
    {
        Assert.That(UserAbi.UserBase, Is.EqualTo(UserLayout.UserBase));
        Assert.That(UserAbi.UserTop, Is.EqualTo(UserLayout.UserTop));
        Assert.That(UserLayout.MapAreaLow, Is.GreaterThan(UserLayout.UserBase));
        Assert.That(UserLayout.MapAreaHigh, Is.LessThan(UserLayout.UserTop - (1UL << 20)), "the main stack's growth range stays free");
    }

    [Test]
    public void ProtectionBitsMatchTheRegionAccessBits()
    {
        Assert.That((ulong)Protection.Read, Is.EqualTo((ulong)RegionAccess.Read));
        Assert.That((ulong)Protection.Write, Is.EqualTo((ulong)RegionAccess.Write));
        Assert.That((ulong)Protection.Execute, Is.EqualTo((ulong)RegionAccess.Execute));
    }

    [Test]
    public void ConsoleWordsCarryUpTo32BytesBothWays()
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes("nexos> a line of 32 bytes here!!");
        Assert.That(text, Has.Length.EqualTo(ConsoleProtocol.ChunkBytes));
        ConsoleProtocol.ToWords(text, out ulong w0, out ulong w1, out ulong w2, out ulong w3);
        byte[] back = new byte[ConsoleProtocol.ChunkBytes];
        ConsoleProtocol.FromWords(w0, w1, w2, w3, back);
        Assert.That(back, Is.EqualTo(text));

        ConsoleProtocol.ToWords("ab"u8, out w0, out w1, out w2, out w3);
        Assert.That((w0, w1, w2, w3), Is.EqualTo((0x6261UL, 0UL, 0UL, 0UL)), "short input is zero-padded");
        ConsoleProtocol.ToWords(new byte[40], out _, out _, out _, out _);
    }
}
