using System.Buffers.Binary;

namespace NexOS.Tests.Tools;

/// <summary>The smallest static x86-64 executable the kernel's ELF check accepts: the ELF
/// header, one read-execute PT_LOAD covering the file from offset 0, and `jmp $` as the code.</summary>
internal static class TinyElf
{
    public const ulong DefaultBase = 0x80_0040_0000;
    private const int CodeOffset = 64 + 56;

    /// <summary>An executable loaded at <paramref name="loadAddress"/>, followed by
    /// <paramref name="padding"/> zero bytes that no segment covers, with <paramref name="marker"/>
    /// after its code so two programs can differ.</summary>
    public static byte[] Build(ulong loadAddress = DefaultBase, int padding = 0, byte marker = 0)
    {
        var file = new byte[CodeOffset + 4 + padding];
        Span<byte> f = file;
        f[0] = 0x7F;
        f[1] = (byte)'E';
        f[2] = (byte)'L';
        f[3] = (byte)'F';
        f[4] = 2; // 64-bit
        f[5] = 1; // little-endian
        f[6] = 1; // version
        BinaryPrimitives.WriteUInt16LittleEndian(f[16..], 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(f[18..], 62); // x86-64
        BinaryPrimitives.WriteUInt32LittleEndian(f[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(f[24..], loadAddress + CodeOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(f[32..], 64); // program headers right after
        BinaryPrimitives.WriteUInt16LittleEndian(f[52..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(f[54..], 56);
        BinaryPrimitives.WriteUInt16LittleEndian(f[56..], 1);

        Span<byte> ph = f.Slice(64, 56);
        BinaryPrimitives.WriteUInt32LittleEndian(ph, 1); // PT_LOAD
        BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], 5); // R+X
        BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], loadAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], loadAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], CodeOffset + 4);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], CodeOffset + 4);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[48..], 4096);

        f[CodeOffset] = 0xEB; // jmp $
        f[CodeOffset + 1] = 0xFE;
        f[CodeOffset + 2] = marker;
        return file;
    }
}
