using System.Buffers.Binary;
using NexOS.Drivers.Hardware;
using static NexOS.Drivers.Ahci.AhciRegisters;

namespace NexOS.Tests.Drivers.Ahci;

/// <summary>An AHCI HBA with one SATA disk on port 0: registers, and command execution from
/// the command list in the shared DMA region. Knobs make it fail or misbehave.</summary>
internal sealed class FakeAhciHba : IMmioRegion
{
    private readonly DmaRegion _dma;
    private readonly uint[] _regs = new uint[0x200 / 4];

    public FakeAhciHba(DmaRegion dma, ulong sectors)
    {
        _dma = dma;
        Disk = new byte[sectors * 512];
        Sectors = sectors;
        _regs[Pi / 4] = 1;
        SetPort(PxSsts, 0x113);
        SetPort(PxSig, SignatureAta);
    }

    public byte[] Disk { get; }

    public ulong Sectors { get; set; }

    public bool Lba48 { get; set; } = true;

    public int Flushes { get; private set; }

    public int Commands { get; private set; }

    public List<byte> Issued { get; } = new();

    public Func<byte, bool>? FailCommand { get; set; }

    public bool NeverComplete { get; set; }

    public bool StuckRunning { get; set; }

    public int ByteCountDelta { get; set; }

    public ulong Length => 0x200;

    public uint PortReg(ulong offset) => _regs[(Port(0) + offset) / 4];

    public void SetPort(ulong offset, uint value) => _regs[(Port(0) + offset) / 4] = value;

    public byte Read8(ulong offset) => (byte)Read32(offset & ~3UL);

    public ushort Read16(ulong offset) => (ushort)Read32(offset & ~3UL);

    public uint Read32(ulong offset) => Mmio.Fits(offset, 4, Length) ? _regs[offset / 4] : uint.MaxValue;

    public ulong Read64(ulong offset) => Read32(offset) | ((ulong)Read32(offset + 4) << 32);

    public void Write8(ulong offset, byte value)
    {
    }

    public void Write16(ulong offset, ushort value)
    {
    }

    public void Write64(ulong offset, ulong value)
    {
        Write32(offset, (uint)value);
        Write32(offset + 4, (uint)(value >> 32));
    }

    public void Write32(ulong offset, uint value)
    {
        if (!Mmio.Fits(offset, 4, Length))
        {
            return;
        }

        ulong p = Port(0);
        if (offset == p + PxIs || offset == p + PxSerr)
        {
            _regs[offset / 4] &= ~value;
        }
        else if (offset == p + PxCmd)
        {
            uint v = value & (CmdStart | CmdFre);
            v |= (value & CmdStart) != 0 || StuckRunning ? CmdCr : 0;
            v |= (value & CmdFre) != 0 || StuckRunning ? CmdFr : 0;
            _regs[offset / 4] = v;
            if ((value & CmdStart) == 0)
            {
                // Clearing ST makes the HBA drop its outstanding commands (AHCI 3.3.14).
                SetPort(PxCi, 0);
            }
        }
        else if (offset == p + PxCi)
        {
            _regs[offset / 4] |= value;
            if ((PortReg(PxCmd) & CmdStart) != 0 && !NeverComplete)
            {
                Execute();
            }
        }
        else
        {
            _regs[offset / 4] = value;
        }
    }

    private int Offset(ulong physical) => (int)(physical - _dma.PhysicalBase);

    private void Execute()
    {
        Commands++;
        ulong clb = PortReg(PxClb) | ((ulong)PortReg(PxClbu) << 32);
        int header = Offset(clb);
        uint dw0 = _dma.ReadUInt32(header);
        int table = Offset(_dma.ReadUInt64(header + 8));
        int prdtl = (int)(dw0 >> 16);
        byte command = _dma.ReadByte(table + 2);
        Issued.Add(command);
        ulong lba = 0;
        int[] lbaBytes = { 4, 5, 6, 8, 9, 10 };
        for (int i = 0; i < 6; i++)
        {
            lba |= (ulong)_dma.ReadByte(table + lbaBytes[i]) << (8 * i);
        }

        int count = _dma.ReadByte(table + 12) | (_dma.ReadByte(table + 13) << 8);
        int data = prdtl > 0 ? Offset(_dma.ReadUInt64(table + 0x80)) : 0;
        int bytes = prdtl > 0 ? (int)(_dma.ReadUInt32(table + 0x8C) & 0x3FFFFF) + 1 : 0;
        bool fail = FailCommand?.Invoke(command) ?? false;
        if (!fail)
        {
            switch (command)
            {
                case AtaIdentify:
                    WriteIdentify(_dma.Span.Slice(data, 512));
                    break;
                case AtaReadDmaExt:
                    fail = (lba + (ulong)count) * 512 > (ulong)Disk.Length || count * 512 != bytes;
                    if (!fail)
                    {
                        Disk.AsSpan((int)lba * 512, bytes).CopyTo(_dma.Span.Slice(data));
                    }

                    break;
                case AtaWriteDmaExt:
                    fail = (lba + (ulong)count) * 512 > (ulong)Disk.Length || count * 512 != bytes;
                    if (!fail)
                    {
                        _dma.Span.Slice(data, bytes).CopyTo(Disk.AsSpan((int)lba * 512));
                    }

                    break;
                case AtaFlushCacheExt:
                    Flushes++;
                    break;
                default:
                    fail = true;
                    break;
            }
        }

        if (fail)
        {
            SetPort(PxTfd, 0x51);
            SetPort(PxIs, PortReg(PxIs) | IsTaskFileError);
            return;
        }

        _dma.WriteUInt32(header + 4, (uint)(bytes + ByteCountDelta));
        SetPort(PxTfd, 0x50);
        SetPort(PxIs, PortReg(PxIs) | 1);
        SetPort(PxCi, 0);
    }

    private void WriteIdentify(Span<byte> id)
    {
        id.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(id.Slice(83 * 2), (ushort)(Lba48 ? 1 << 10 : 0));
        for (int w = 0; w < 4; w++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(id.Slice((100 + w) * 2), (ushort)(Sectors >> (16 * w)));
        }
    }
}
