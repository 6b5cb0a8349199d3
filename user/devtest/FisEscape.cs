using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.DevTest;

/// <summary>
/// `devstart BB:DD.F devtest ahci-fis`, for an AHCI controller no disk driver runs on: makes
/// the controller write where a faulty driver would point it. It turns FIS receive on for one
/// empty port with the area in a DMA buffer of its own, and for another with the area in a
/// second buffer it has just freed. With an IOMMU the first goes through and the second is
/// blocked and recorded (`iommu` lists the fault: the device, the address, a write); without
/// one the controller writes into memory that is no longer the program's, which is the
/// hazard docs/syscalls.md describes. It prints the two addresses.
/// </summary>
internal static unsafe class FisEscape
{
    private const int AbarIndex = 5;
    private const ulong Ports = 0x100, PortStride = 0x80, PxFb = 0x08, PxFbu = 0x0C, PxCmd = 0x18;
    private const uint CmdFre = 1u << 4, CmdFr = 1u << 14;

    public static int Run(string[] args)
    {
        if (!FindAbar(args, out int slot, out ulong offset))
        {
            Log.WriteLine("devtest: ahci-fis needs the controller's BAR 5 (start it with devstart for an AHCI controller)");
            return 2;
        }

        long mapped = Devices.MapMmio(slot);
        long own = Devices.AllocateDma(slot, 4096, out ulong ownPhysical);
        long freed = Devices.AllocateDma(slot, 4096, out ulong freedPhysical);
        if (mapped < 0 || own < 0 || freed < 0)
        {
            Log.WriteLine($"devtest: ahci-fis could not map the registers or get DMA memory ({mapped}, {own}, {freed})");
            return 3;
        }

        uint* hba = (uint*)((ulong)mapped + offset);
        uint implemented = hba[0x0C / 4];
        int first = 31 - System.Numerics.BitOperations.LeadingZeroCount(implemented);
        int second = first - 1;
        if (implemented == 0 || second < 0 || (implemented & (1u << second)) == 0)
        {
            Log.WriteLine($"devtest: ahci-fis needs two implemented ports (ports implemented: 0x{implemented:x})");
            return 3;
        }

        StartFisReceive(hba, first, ownPhysical);
        _ = Memory.Unmap((ulong)freed, 4096);
        StartFisReceive(hba, second, freedPhysical);
        Log.WriteLine($"devtest: ahci-fis: port {first} wrote into its own buffer at 0x{ownPhysical:x}, port {second} into freed memory at 0x{freedPhysical:x}; `iommu` lists what was blocked");
        return 0;
    }

    // Points the port's FIS area at `physical` and turns FIS receive on, which makes the
    // controller map the area for writing (and, on a port that never had one, write its
    // first register FIS there); then turns it off again. Whether the writes land is the
    // IOMMU's to say: the engine's status bit cannot tell (QEMU's controller reports it on
    // even when the IOMMU refuses the area).
    private static void StartFisReceive(uint* hba, int port, ulong physical)
    {
        uint* p = hba + ((Ports + ((ulong)port * PortStride)) / 4);
        p[PxCmd / 4] &= ~CmdFre;
        p[PxFb / 4] = (uint)physical;
        p[PxFbu / 4] = (uint)(physical >> 32);
        p[PxCmd / 4] |= CmdFre;
        for (int i = 0; i < 1000 && (p[PxCmd / 4] & CmdFr) == 0; i++)
        {
        }

        p[PxCmd / 4] &= ~CmdFre;
    }

    // The `m5:OFFSET:LENGTH` entry of `res=`: its slot (its place in the list, from 1) and offset.
    private static bool FindAbar(string[] args, out int slot, out ulong offset)
    {
        slot = 0;
        offset = 0;
        foreach (string a in args)
        {
            if (!a.StartsWith("res=", StringComparison.Ordinal))
            {
                continue;
            }

            string[] entries = a[4..].Split(',');
            for (int i = 0; i < entries.Length; i++)
            {
                string[] parts = entries[i].Split(':');
                if (parts.Length == 3 && parts[0] == $"m{AbarIndex}"
                    && ulong.TryParse(parts[1], System.Globalization.NumberStyles.AllowHexSpecifier, null, out offset))
                {
                    slot = i + 1;
                    return true;
                }
            }
        }

        return false;
    }
}
