using System.Buffers.Binary;
using NexOS.Drivers.Pci;

namespace NexOS.Tests.Drivers.Pci;

/// <summary>One emulated function: 4 KiB of config bytes, a per-byte write mask (BAR sizing
/// falls out of it: the low bits of a BAR are not writable), and an optional hook that
/// overrides dword reads to model hostile hardware.</summary>
internal sealed class FakePciFunction
{
    private int _lastCapability;

    public byte[] Config { get; } = new byte[4096];

    public byte[] WriteMask { get; } = new byte[4096];

    public Func<int, uint, uint>? ReadHook { get; set; }

    /// <summary>Command register values seen whenever a BAR was written with all ones.</summary>
    public List<ushort> CommandDuringSizing { get; } = new();

    public ushort Command => BinaryPrimitives.ReadUInt16LittleEndian(Config.AsSpan(4));

    public uint Dword(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(Config.AsSpan(offset));

    public void Set32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Config.AsSpan(offset), value);

    public void Set16(int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Config.AsSpan(offset), value);

    public void Writable(int offset, int length, byte mask = 0xFF) => WriteMask.AsSpan(offset, length).Fill(mask);

    public FakePciFunction MemoryBar(int index, uint address, uint size, bool prefetchable = false)
    {
        int o = 0x10 + (4 * index);
        Set32(o, address | (prefetchable ? 8u : 0u));
        BinaryPrimitives.WriteUInt32LittleEndian(WriteMask.AsSpan(o), ~(size - 1) & 0xFFFF_FFF0u);
        return this;
    }

    public FakePciFunction MemoryBar64(int index, ulong address, ulong size, bool prefetchable)
    {
        int o = 0x10 + (4 * index);
        Set32(o, (uint)address | 4u | (prefetchable ? 8u : 0u));
        Set32(o + 4, (uint)(address >> 32));
        ulong mask = ~(size - 1) & ~0xFUL;
        BinaryPrimitives.WriteUInt64LittleEndian(WriteMask.AsSpan(o), mask);
        return this;
    }

    public FakePciFunction IoBar(int index, ushort port, uint size)
    {
        int o = 0x10 + (4 * index);
        Set32(o, port | 1u);

        // A 16-bit I/O decoder: the upper half is hard-wired to zero.
        BinaryPrimitives.WriteUInt32LittleEndian(WriteMask.AsSpan(o), ~(size - 1) & 0xFFFCu);
        return this;
    }

    /// <summary>Appends a capability (bytes from the id on; the next pointer is filled in) at
    /// <paramref name="offset"/>, linking it after the previous one.</summary>
    public FakePciFunction Capability(int offset, byte id, params byte[] body)
    {
        Config[offset] = id;
        Config[offset + 1] = 0;
        body.CopyTo(Config, offset + 2);
        if (_lastCapability == 0)
        {
            Config[Config[0x0E] == 2 ? 0x14 : 0x34] = (byte)offset;
            Config[6] |= 0x10;
        }
        else
        {
            Config[_lastCapability + 1] = (byte)offset;
        }

        _lastCapability = offset;
        return this;
    }
}

/// <summary>An emulated configuration space: functions by address, all ones elsewhere.</summary>
internal sealed class FakePciConfigSpace : IPciConfigSpace
{
    public Dictionary<PciAddress, FakePciFunction> Functions { get; } = new();

    public int Reads { get; private set; }

    public int FunctionSize => 4096;

    public FakePciFunction Add(byte bus, byte device, byte function, ushort vendor, ushort deviceId, uint classCode, byte revision = 0, byte headerType = 0)
    {
        var f = new FakePciFunction();
        f.Set16(0, vendor);
        f.Set16(2, deviceId);
        f.Set32(8, (classCode << 8) | revision);
        f.Config[0x0E] = headerType;
        f.Config[0x3C] = 0xFF;
        f.Writable(4, 2, 0xFF);
        f.Writable(0x3C, 1);
        Functions[new PciAddress(0, bus, device, function)] = f;
        return f;
    }

    public FakePciFunction Bridge(byte bus, byte device, byte secondary, byte subordinate)
    {
        FakePciFunction f = Add(bus, device, 0, 0x1B36, 0x0001, 0x060400, 0, 1);
        f.Config[0x18] = bus;
        f.Config[0x19] = secondary;
        f.Config[0x1A] = subordinate;
        return f;
    }

    public bool CoversBus(ushort segment, byte bus) => segment == 0;

    public byte Read8(PciAddress address, int offset) => (byte)(Read32(address, offset & ~3) >> (8 * (offset & 3)));

    public ushort Read16(PciAddress address, int offset) => (ushort)(Read32(address, offset & ~3) >> (8 * (offset & 2)));

    public uint Read32(PciAddress address, int offset)
    {
        Reads++;
        if (!Functions.TryGetValue(address, out FakePciFunction? f) || offset < 0 || offset > 4092)
        {
            return uint.MaxValue;
        }

        uint value = f.Dword(offset & ~3);
        return f.ReadHook == null ? value : f.ReadHook(offset & ~3, value);
    }

    public void Write8(PciAddress address, int offset, byte value) => Write(address, offset, value, 1);

    public void Write16(PciAddress address, int offset, ushort value) => Write(address, offset, value, 2);

    public void Write32(PciAddress address, int offset, uint value) => Write(address, offset, value, 4);

    private void Write(PciAddress address, int offset, uint value, int size)
    {
        if (!Functions.TryGetValue(address, out FakePciFunction? f) || offset < 0 || offset > 4096 - size)
        {
            return;
        }

        if (size == 4 && offset >= 0x10 && offset < 0x28 && value == uint.MaxValue)
        {
            f.CommandDuringSizing.Add(f.Command);
        }

        for (int i = 0; i < size; i++)
        {
            byte mask = f.WriteMask[offset + i];
            byte b = (byte)(value >> (8 * i));
            f.Config[offset + i] = (byte)((f.Config[offset + i] & ~mask) | (b & mask));
        }
    }
}
