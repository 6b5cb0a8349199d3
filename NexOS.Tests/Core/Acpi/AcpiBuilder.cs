using System.Buffers.Binary;
using System.Text;
using NexOS.Core.Hardware;
using NexOS.Core.Acpi;

namespace NexOS.Tests.Core.Acpi;

/// <summary>Physical memory made of separate byte arrays at chosen addresses; a read must lie
/// wholly inside one of them.</summary>
internal sealed class FakePhysicalMemory : IPhysicalMemory
{
    private readonly List<(ulong Address, byte[] Bytes)> _regions = new();

    public int Reads { get; private set; }

    public FakePhysicalMemory Map(ulong address, byte[] bytes)
    {
        _regions.Add((address, bytes));
        return this;
    }

    public bool TryRead(ulong address, Span<byte> destination)
    {
        Reads++;
        foreach ((ulong start, byte[] bytes) in _regions)
        {
            if (address >= start && address - start <= (ulong)bytes.Length
                && (ulong)destination.Length <= (ulong)bytes.Length - (address - start))
            {
                bytes.AsSpan((int)(address - start), destination.Length).CopyTo(destination);
                return true;
            }
        }

        return false;
    }
}

/// <summary>Builds synthetic ACPI structures with correct checksums, to be broken on purpose.</summary>
internal static class AcpiBuilder
{
    public const ulong RsdtAddress = 0x7FE_0000;
    public const ulong FadtAddress = 0x7FE_1000;
    public const ulong DsdtAddress = 0x7FE_2000;

    /// <summary>The _S5 package QEMU's i440fx DSDT carries: Package (4) { Zero, Zero, Zero, Zero }.</summary>
    public static readonly byte[] QemuS5 = { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00 };

    public static byte[] Rsdp(uint rsdt, byte revision = 0, ulong xsdt = 0, bool v2Layout = false)
    {
        byte[] r = new byte[v2Layout ? 36 : 20];
        Encoding.ASCII.GetBytes("RSD PTR ").CopyTo(r, 0);
        Encoding.ASCII.GetBytes("NEXOS ").CopyTo(r, 9);
        r[15] = revision;
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(16), rsdt);
        r[8] = (byte)(0 - Sum(r.AsSpan(0, 20)));
        if (v2Layout)
        {
            // The extended checksum covers all 36 bytes, the first checksum included.
            BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(20), 36);
            BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(24), xsdt);
            r[32] = (byte)(0 - Sum(r.AsSpan(0, 36)));
        }

        return r;
    }

    /// <summary>A table with a valid header and checksum around <paramref name="body"/>.</summary>
    public static byte[] Table(string signature, ReadOnlySpan<byte> body, byte revision = 1)
    {
        byte[] t = new byte[AcpiTable.HeaderLength + body.Length];
        Encoding.ASCII.GetBytes(signature).CopyTo(t, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(4), (uint)t.Length);
        t[8] = revision;
        Encoding.ASCII.GetBytes("NEXOS ").CopyTo(t, 10);
        body.CopyTo(t.AsSpan(AcpiTable.HeaderLength));
        return FixChecksum(t);
    }

    public static byte[] FixChecksum(byte[] table)
    {
        table[9] = 0;
        table[9] = (byte)(0 - Sum(table));
        return table;
    }

    public static byte[] Rsdt(params ulong[] entries)
    {
        byte[] body = new byte[entries.Length * 4];
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(i * 4), (uint)entries[i]);
        }

        return Table("RSDT", body);
    }

    public static byte[] Xsdt(params ulong[] entries)
    {
        byte[] body = new byte[entries.Length * 8];
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(i * 8), entries[i]);
        }

        return Table("XSDT", body);
    }

    /// <summary>A FADT of <paramref name="length"/> bytes (116 for ACPI 1.0, 244 for 2.0+).</summary>
    public static byte[] Fadt(
        uint dsdt = (uint)DsdtAddress,
        uint pm1a = 0x604,
        uint pm1b = 0,
        int length = 116,
        byte revision = 1,
        ulong xDsdt = 0,
        uint flags = 0,
        (byte Space, ulong Address)? reset = null,
        byte resetValue = 0,
        uint smiCommand = 0xB2,
        byte acpiEnable = 0xF1)
    {
        byte[] body = new byte[length - AcpiTable.HeaderLength];
        void U32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(offset - AcpiTable.HeaderLength), value);
        U32(40, dsdt);
        U32(48, smiCommand);
        body[52 - AcpiTable.HeaderLength] = acpiEnable;
        U32(64, pm1a);
        U32(68, pm1b);
        if (length >= 116)
        {
            U32(112, flags);
        }

        if (reset is (byte space, ulong address) && length >= 128)
        {
            body[116 - AcpiTable.HeaderLength] = space;
            body[117 - AcpiTable.HeaderLength] = 8;
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(120 - AcpiTable.HeaderLength), address);
        }

        if (length >= 129)
        {
            body[128 - AcpiTable.HeaderLength] = resetValue;
        }

        if (length >= 148)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(140 - AcpiTable.HeaderLength), xDsdt);
        }

        return Table("FACP", body, revision);
    }

    /// <summary>A DSDT whose AML is some unrelated byte code around <paramref name="s5"/>.</summary>
    public static byte[] Dsdt(ReadOnlySpan<byte> s5)
    {
        var aml = new List<byte>();

        // Scope (\_SB) { Name (_HID, ...) } style noise, plus a stray "_S5_" reference.
        aml.AddRange(new byte[] { 0x10, 0x0B, 0x5C, 0x5F, 0x53, 0x42, 0x5F, 0x08, 0x5F, 0x48, 0x49, 0x44, 0x0A, 0x01 });
        aml.AddRange(new byte[] { 0x70, 0x5F, 0x53, 0x35, 0x5F, 0x60 });
        aml.AddRange(s5.ToArray());
        aml.AddRange(new byte[] { 0x14, 0x08, 0x5F, 0x50, 0x54, 0x53, 0x01, 0xA3 });
        return Table("DSDT", aml.ToArray(), revision: 2);
    }

    /// <summary>Name (_S5, Package (count) { elements }) with a PkgLength of the given size.</summary>
    public static byte[] S5(byte count, byte[] elements, int pkgLengthBytes = 1, bool rootPrefix = false)
    {
        var bytes = new List<byte> { 0x08 };
        if (rootPrefix)
        {
            bytes.Add((byte)'\\');
        }

        bytes.AddRange("_S5_"u8.ToArray());
        bytes.Add(0x12);
        bytes.AddRange(PkgLength(1 + elements.Length, pkgLengthBytes));
        bytes.Add(count);
        bytes.AddRange(elements);
        return bytes.ToArray();
    }

    /// <summary>Encodes a PkgLength for <paramref name="contentLength"/> bytes of content.</summary>
    public static byte[] PkgLength(int contentLength, int size)
    {
        int total = contentLength + size;
        byte[] encoded = new byte[size];
        if (size == 1)
        {
            encoded[0] = (byte)total;
            return encoded;
        }

        encoded[0] = (byte)(((size - 1) << 6) | (total & 0x0F));
        for (int i = 1; i < size; i++)
        {
            encoded[i] = (byte)(total >> (4 + (8 * (i - 1))));
        }

        return encoded;
    }

    /// <summary>A machine laid out like QEMU's: RSDP v0 → RSDT → FACP → DSDT with _S5.</summary>
    public static (byte[] Rsdp, FakePhysicalMemory Memory) QemuLike(byte[]? fadt = null, byte[]? dsdt = null)
    {
        var memory = new FakePhysicalMemory()
            .Map(RsdtAddress, Rsdt(FadtAddress))
            .Map(FadtAddress, fadt ?? Fadt())
            .Map(DsdtAddress, dsdt ?? Dsdt(QemuS5));
        return (Rsdp((uint)RsdtAddress), memory);
    }

    private static byte Sum(ReadOnlySpan<byte> bytes) => AcpiTable.Checksum(bytes);
}
