using NexOS.Storage;
using static NexOS.Drivers.Ahci.AhciRegisters;

namespace NexOS.Drivers.Ahci;

/// <summary>Command construction, issue and completion checking.</summary>
public sealed partial class AhciPort
{
    /// <summary>Reads under the <see cref="IBlockDevice.Read"/> contract, in commands of at
    /// most the data buffer's size. IoError for a task-file error, a wrong transfer count or
    /// a hung port.</summary>
    public StorageStatus Read(ulong block, Span<byte> buffer)
    {
        StorageStatus status = CheckRange(block, buffer.Length);
        for (int done = 0; status == StorageStatus.Ok && done < buffer.Length;)
        {
            int bytes = Math.Min(_dataBytes / BlockSize * BlockSize, buffer.Length - done);
            status = Issue(AtaReadDmaExt, Lba(block, done), bytes, write: false);
            if (status == StorageStatus.Ok)
            {
                _dma.Span.Slice(DataOffset, bytes).CopyTo(buffer.Slice(done));
            }

            done += bytes;
        }

        return status;
    }

    /// <summary>Writes under the <see cref="IBlockDevice.Write"/> contract; errors as
    /// <see cref="Read"/>.</summary>
    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer)
    {
        StorageStatus status = CheckRange(block, buffer.Length);
        for (int done = 0; status == StorageStatus.Ok && done < buffer.Length;)
        {
            int bytes = Math.Min(_dataBytes / BlockSize * BlockSize, buffer.Length - done);
            buffer.Slice(done, bytes).CopyTo(_dma.Span.Slice(DataOffset));
            status = Issue(AtaWriteDmaExt, Lba(block, done), bytes, write: true);
            done += bytes;
        }

        return status;
    }

    /// <summary>FLUSH CACHE EXT: every completed write is on the medium when this returns Ok.</summary>
    public StorageStatus Flush() => Issue(AtaFlushCacheExt, 0, 0, write: false);

    private StorageStatus CheckRange(ulong block, int length) =>
        length % BlockSize == 0 && block < BlockCount && (ulong)(length / BlockSize) <= BlockCount - block
            ? StorageStatus.Ok
            : StorageStatus.BadArgument;

    private ulong Lba(ulong block, int doneBytes) => block + (ulong)(doneBytes / BlockSize);

    private AhciStatus Identify()
    {
        if (Issue(AtaIdentify, 0, 512, write: false, countInSectors: false) != StorageStatus.Ok
            || !AtaIdentity.TryParse(_dma.Span.Slice(DataOffset, 512), out AtaIdentity identity))
        {
            return AhciStatus.IdentifyFailed;
        }

        BlockSize = identity.SectorSize;
        BlockCount = identity.Sectors;
        return AhciStatus.Ok;
    }

    private StorageStatus Issue(byte command, ulong lba, int bytes, bool write, bool countInSectors = true)
    {
        if (Broken)
        {
            return StorageStatus.IoError;
        }

        int table = CommandTableOffset;
        _dma.Span.Slice(table, 0x90).Clear();
        _dma.WriteByte(table + 0, FisRegH2D);
        _dma.WriteByte(table + 1, 0x80); // C: this FIS carries a command.
        _dma.WriteByte(table + 2, command);
        _dma.WriteByte(table + 4, (byte)lba);
        _dma.WriteByte(table + 5, (byte)(lba >> 8));
        _dma.WriteByte(table + 6, (byte)(lba >> 16));
        _dma.WriteByte(table + 7, 0x40); // LBA addressing.
        _dma.WriteByte(table + 8, (byte)(lba >> 24));
        _dma.WriteByte(table + 9, (byte)(lba >> 32));
        _dma.WriteByte(table + 10, (byte)(lba >> 40));
        int count = countInSectors ? bytes / BlockSize : 0;
        _dma.WriteByte(table + 12, (byte)count);
        _dma.WriteByte(table + 13, (byte)(count >> 8));
        int prdtl = bytes > 0 ? 1 : 0;
        if (bytes > 0)
        {
            _dma.WriteUInt64(table + 0x80, _dma.PhysicalAddress(DataOffset));
            _dma.WriteUInt32(table + 0x8C, (uint)(bytes - 1));
        }

        // Command header 0: FIS length 5 dwords, the write bit, one PRDT entry, byte count 0.
        _dma.WriteUInt32(CommandListOffset, 5u | (write ? 1u << 6 : 0) | ((uint)prdtl << 16));
        _dma.WriteUInt32(CommandListOffset + 4, 0);
        _dma.WriteUInt64(CommandListOffset + 8, _dma.PhysicalAddress(table));

        // The header and table must be in memory before the HBA sees the issue bit.
        Hardware.DmaRegion.Fence();
        SetReg(PxIs, uint.MaxValue);
        SetReg(PxCi, 1);
        return Complete(bytes);
    }

    private StorageStatus Complete(int bytes)
    {
        for (int i = 0; i < _completionWaits; i++)
        {
            if ((Reg(PxIs) & IsTaskFileError) != 0)
            {
                return Recover();
            }

            if ((Reg(PxCi) & 1) == 0)
            {
                // The byte count must be read after the issue bit cleared.
                Hardware.DmaRegion.Fence();
                uint transferred = _dma.ReadUInt32(CommandListOffset + 4);
                if ((Reg(PxTfd) & (TfdErr | TfdDrq | TfdBsy)) != 0)
                {
                    return Recover();
                }

                return transferred == (uint)bytes ? StorageStatus.Ok : StorageStatus.IoError;
            }

            if (!_completions.Wait())
            {
                break;
            }
        }

        // The command never finished: stop the port so the HBA lets go of the buffers.
        Broken = true;
        Stop();
        return StorageStatus.IoError;
    }

    // AHCI 6.2.2: after a task-file error, stop the port, clear the errors and start it
    // again; the failed command is reported as IoError either way.
    private StorageStatus Recover()
    {
        if (!Stop() || !Restart())
        {
            Broken = true;
        }

        return StorageStatus.IoError;
    }
}
