using NexOS.Drivers.Hardware;
using NexOS.Drivers.Virtio;

namespace NexOS.Tests.Drivers.Virtio;

/// <summary>Waits by letting the fake device run, a bounded number of times.</summary>
internal sealed class PumpWaiter : IWaiter
{
    public FakeVirtioBlk? Device { get; set; }

    public int Waits { get; private set; }

    public int Limit { get; set; } = 10_000;

    public bool Wait()
    {
        Waits++;
        Device?.Process();
        return Waits < Limit;
    }
}

internal static class VirtioTestRig
{
    public const ulong PhysicalBase = 0x1234_0000;

    public const ulong DefaultFeatures =
        (1UL << 32) | (1UL << 9) | (1UL << 6) | (1UL << 2) | (1UL << 1) | (1UL << 10) | (1UL << 28);

    public static VirtioBlkOptions SmallOptions => new() { QueueSize = 64, Slots = 8, SlotDataBytes = 8192, WaitLimit = 200 };

    public static VirtioStatus Create(out FakeVirtioBlk fake, out VirtioBlkDevice? device, Action<FakeVirtioBlk>? tweak = null, VirtioBlkOptions? options = null, int dmaBytes = 1 << 20, ulong sectors = 4096)
    {
        var dma = new DmaRegion(new byte[dmaBytes], PhysicalBase);
        fake = new FakeVirtioBlk(dma, sectors, DefaultFeatures);
        tweak?.Invoke(fake);
        Assert.That(VirtioPciLayout.Parse(FakeVirtioBlk.ConfigSpace(), out VirtioPciLayout layout), Is.EqualTo(VirtioStatus.Ok));
        Assert.That(VirtioPciTransport.Create(layout, new IMmioRegion?[] { fake }, out VirtioPciTransport? transport), Is.EqualTo(VirtioStatus.Ok));
        var waiter = new PumpWaiter { Device = fake };
        return VirtioBlkDevice.Create(transport!, dma, options ?? SmallOptions, waiter, out device);
    }

    public static (FakeVirtioBlk Fake, VirtioBlkDevice Device) CreateOk(Action<FakeVirtioBlk>? tweak = null, VirtioBlkOptions? options = null)
    {
        Assert.That(Create(out FakeVirtioBlk fake, out VirtioBlkDevice? device, tweak, options), Is.EqualTo(VirtioStatus.Ok));
        return (fake, device!);
    }
}
