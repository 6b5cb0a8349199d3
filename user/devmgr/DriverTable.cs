using NexOS.Drivers.Pci;

namespace NexOS.Programs.DevMgr;

/// <summary>
/// Which driver program the manager starts by itself for a function it finds at boot, as a
/// table of matches (the way Linux's module aliases name a driver for a vendor, device or
/// class). A disk driver gets one of the manager's disk endpoints to serve (`disk` for the
/// first disk found, `disk1` to `disk3` for the next), which the file-system service mounts;
/// the first network driver gets the `nic` endpoint and the `netwake` notification, which the
/// network stack uses.
/// </summary>
internal static class DriverTable
{
    private const ushort VirtioVendor = 0x1AF4;
    private const ushort VirtioBlockLegacyId = 0x1001;
    private const ushort VirtioBlockModernId = 0x1042;
    private const ushort VirtioNetLegacyId = 0x1000, VirtioNetModernId = 0x1041;
    private const byte MassStorage = 0x01, Sata = 0x06, Ahci = 0x01;
    private const ushort IntelVendor = 0x8086;

    // Intel gigabit controllers with the 8254x register set and legacy descriptors: 82540EM
    // (QEMU's e1000), 82545EM and 82545GM (VMware's), 82541PI, 82574L and 82574LA (e1000e).
    private static readonly ushort[] s_e1000Ids = [0x100E, 0x100F, 0x1011, 0x1026, 0x107C, 0x10D3, 0x10F6];

    /// <summary>The program to start for <paramref name="f"/>, or null; <paramref name="isDisk"/>
    /// says whether it serves the block protocol, <paramref name="isNic"/> whether it serves
    /// the NIC protocol.</summary>
    public static string? DriverFor(PciFunction f, out bool isDisk, out bool isNic)
    {
        isDisk = false;
        isNic = false;
        if (f.VendorId == VirtioVendor && (f.DeviceId == VirtioNetLegacyId || f.DeviceId == VirtioNetModernId))
        {
            isNic = true;
            return "virtionet";
        }

        if (f.VendorId == VirtioVendor && (f.DeviceId == VirtioBlockLegacyId || f.DeviceId == VirtioBlockModernId))
        {
            isDisk = true;
            return "virtioblk";
        }

        if (f.VendorId == IntelVendor && Array.IndexOf(s_e1000Ids, f.DeviceId) >= 0)
        {
            isNic = true;
            return "e1000";
        }

        if (f.ClassCode == MassStorage && f.Subclass == Sata && f.ProgIf == Ahci)
        {
            isDisk = true;
            return "ahci";
        }

        return null;
    }
}
