using System.Buffers.Binary;

namespace NexOS.Drivers.Ahci;

/// <summary>What the driver needs from an ATA IDENTIFY DEVICE answer (ACS-3, 7.12.7).</summary>
/// <param name="Sectors">Addressable logical sectors (48-bit).</param>
/// <param name="SectorSize">Logical sector size in bytes: 512 or 4096.</param>
public readonly record struct AtaIdentity(ulong Sectors, int SectorSize)
{
    /// <summary>Parses the 512-byte IDENTIFY data. False when it is too short, the device
    /// lacks 48-bit addressing (the driver only issues the EXT commands), the sector count is
    /// zero or above 2^48, or the logical sector size is one the storage stack does not
    /// use.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AtaIdentity identity)
    {
        identity = default;
        if (data.Length < 512)
        {
            return false;
        }

        if ((Word(data, 83) & (1 << 10)) == 0)
        {
            return false;
        }

        ulong sectors = Word(data, 100) | ((ulong)Word(data, 101) << 16) | ((ulong)Word(data, 102) << 32) | ((ulong)Word(data, 103) << 48);
        if (sectors == 0 || sectors > 1UL << 48)
        {
            return false;
        }

        int size = 512;
        ushort w106 = Word(data, 106);
        // Word 106 is valid when bit 14 is set and bit 15 clear; bit 12 then says the logical
        // sector is longer than 256 words, with its length in words 117-118.
        if ((w106 & 0xC000) == 0x4000 && (w106 & (1 << 12)) != 0)
        {
            ulong words = Word(data, 117) | ((ulong)Word(data, 118) << 16);
            if (words != 2048)
            {
                return false;
            }

            size = 4096;
        }

        identity = new AtaIdentity(sectors, size);
        return true;
    }

    private static ushort Word(ReadOnlySpan<byte> data, int index) => BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(index * 2));
}
