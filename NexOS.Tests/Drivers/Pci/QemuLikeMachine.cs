namespace NexOS.Tests.Drivers.Pci;

/// <summary>A config space laid out like QEMU's q35 machine with a few devices.</summary>
internal static class QemuLikeMachine
{
    public const uint VirtioTableBar = 0xFEBD1000;
    public const uint AhciAbar = 0xFEBD2000;

    public static FakePciConfigSpace Build()
    {
        var space = new FakePciConfigSpace();
        space.Add(0, 0, 0, 0x8086, 0x29C0, 0x060000);

        FakePciFunction virtio = space.Add(0, 2, 0, 0x1AF4, 0x1042, 0x010000, 1);
        virtio.Set16(0x2C, 0x1AF4);
        virtio.Set16(0x2E, 0x0002);
        virtio.Config[0x3C] = 11;
        virtio.Config[0x3D] = 1;
        virtio.MemoryBar(1, VirtioTableBar, 0x1000).MemoryBar64(4, 0xFE00_0000, 0x4000, prefetchable: true);
        virtio.Capability(0x98, 0x11, 0x01, 0x00, 0x01, 0, 0, 0, 0x01, 0x08, 0, 0)
            .Capability(0x84, 0x09, 0x14, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            .Capability(0x70, 0x09, 0x14, 2, 4, 0, 0, 0, 0x00, 0x30, 0, 0, 0x00, 0x10, 0, 0, 4, 0, 0, 0)
            .Capability(0x60, 0x09, 0x10, 4, 4, 0, 0, 0, 0x00, 0x20, 0, 0, 0x00, 0x10, 0, 0)
            .Capability(0x50, 0x09, 0x10, 3, 4, 0, 0, 0, 0x00, 0x10, 0, 0, 0x00, 0x10, 0, 0)
            .Capability(0x40, 0x09, 0x10, 1, 4, 0, 0, 0, 0x00, 0x00, 0, 0, 0x00, 0x10, 0, 0);
        virtio.Writable(0x9A, 2);

        space.Bridge(0, 3, 1, 1);
        FakePciFunction nic = space.Add(1, 0, 0, 0x8086, 0x100E, 0x020000, 3);
        nic.MemoryBar(0, 0xFE80_0000, 0x20000).IoBar(1, 0xD000, 64);

        space.Add(0, 0x1F, 0, 0x8086, 0x2918, 0x060100, 2, 0x80);
        FakePciFunction ahci = space.Add(0, 0x1F, 2, 0x8086, 0x2922, 0x010601, 2);
        ahci.Config[0x3C] = 10;
        ahci.Config[0x3D] = 1;
        ahci.IoBar(4, 0xC040, 32).MemoryBar(5, AhciAbar, 0x1000);
        ahci.Capability(0x80, 0x05, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            .Capability(0xA8, 0x12, 0x10, 0x00, 0x48, 0, 0, 0);
        ahci.Writable(0x82, 1, 0x71);
        ahci.Writable(0x84, 10);
        return space;
    }
}
