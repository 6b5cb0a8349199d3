using System.Buffers.Binary;

namespace NexOS.Storage.Fat;

/// <summary>Reads the four primary entries of an MBR partition table.</summary>
public static class MbrPartitions
{
    /// <summary>Finds the first primary partition of type 0x0B or 0x0C (FAT32 with CHS or LBA
    /// addressing) that lies on the device. NotFound when there is none or block 0 has no MBR
    /// signature; Unsupported for blocks smaller than 512 bytes; IoError when block 0 cannot
    /// be read.</summary>
    public static StorageStatus FindFat32(IBlockDevice device, out ulong firstBlock, out ulong blockCount)
    {
        firstBlock = 0;
        blockCount = 0;
        if (device.BlockSize < 512 || device.BlockCount == 0)
        {
            return StorageStatus.Unsupported;
        }
        byte[] sector = new byte[device.BlockSize];
        StorageStatus status = device.Read(0, sector);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (sector[510] != 0x55 || sector[511] != 0xAA)
        {
            return StorageStatus.NotFound;
        }
        for (int i = 0; i < 4; i++)
        {
            ReadOnlySpan<byte> entry = sector.AsSpan(446 + (i * 16), 16);
            byte type = entry[4];
            // The boot flag is 0x00 or 0x80 in a real table; anything else is boot code.
            if ((entry[0] != 0 && entry[0] != 0x80) || (type != 0x0B && type != 0x0C))
            {
                continue;
            }
            // MBR addresses are in 512-byte units; convert when the device's blocks are larger.
            ulong unitsPerBlock = (ulong)device.BlockSize / 512;
            ulong start = BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
            ulong count = BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
            if (start == 0 || count == 0 || start % unitsPerBlock != 0)
            {
                continue;
            }
            start /= unitsPerBlock;
            count /= unitsPerBlock;
            if (start >= device.BlockCount || count > device.BlockCount - start)
            {
                continue;
            }
            firstBlock = start;
            blockCount = count;
            return StorageStatus.Ok;
        }
        return StorageStatus.NotFound;
    }
}
