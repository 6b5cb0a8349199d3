using System.Buffers.Binary;
using System.Text;
using NexOS.Core.Boot;

namespace NexOS.Tests.Core;

/// <summary>Builds synthetic multiboot2 boot information blocks, well formed or not.</summary>
internal sealed class BootInfoBuilder
{
    private readonly List<byte> _bytes = new() { 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>Adds a tag with its header; the size field is 8 + payload unless overridden.
    /// The next tag starts at the following 8-byte boundary, as the format requires.</summary>
    public BootInfoBuilder Tag(uint type, ReadOnlySpan<byte> payload, uint? sizeOverride = null)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, type);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], sizeOverride ?? (uint)(8 + payload.Length));
        _bytes.AddRange(header.ToArray());
        _bytes.AddRange(payload.ToArray());
        while (_bytes.Count % 8 != 0)
        {
            _bytes.Add(0);
        }

        return this;
    }

    public BootInfoBuilder Tag(Multiboot2TagType type, ReadOnlySpan<byte> payload) => Tag((uint)type, payload);

    public BootInfoBuilder CommandLine(string text) => Tag(Multiboot2TagType.CommandLine, CString(text));

    public BootInfoBuilder LoaderName(string text) => Tag(Multiboot2TagType.BootLoaderName, CString(text));

    public BootInfoBuilder Module(uint start, uint end, string commandLine)
    {
        var payload = new List<byte>();
        payload.AddRange(UInt32(start));
        payload.AddRange(UInt32(end));
        payload.AddRange(CString(commandLine));
        return Tag(Multiboot2TagType.Module, payload.ToArray());
    }

    public BootInfoBuilder MemoryMap(params (ulong Start, ulong Length, uint Type)[] entries) =>
        Tag(Multiboot2TagType.MemoryMap, MemoryMapPayload(24, entries));

    public BootInfoBuilder End() => Tag(0, ReadOnlySpan<byte>.Empty);

    /// <summary>The block with total_size set to its length, or to <paramref name="totalSize"/>.</summary>
    public byte[] Build(uint? totalSize = null)
    {
        byte[] result = _bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result, totalSize ?? (uint)result.Length);
        return result;
    }

    /// <summary>A memory map tag payload: entry_size, entry_version, then the entries, each
    /// padded to <paramref name="entrySize"/> bytes.</summary>
    public static byte[] MemoryMapPayload(uint entrySize, params (ulong Start, ulong Length, uint Type)[] entries)
    {
        var payload = new List<byte>();
        payload.AddRange(UInt32(entrySize));
        payload.AddRange(UInt32(0));
        foreach ((ulong start, ulong length, uint type) in entries)
        {
            byte[] entry = new byte[Math.Max(24, (int)Math.Min(entrySize, 4096))];
            BinaryPrimitives.WriteUInt64LittleEndian(entry, start);
            BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(8), length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(16), type);
            payload.AddRange(entry);
        }

        return payload.ToArray();
    }

    public static byte[] CString(string text) => Encoding.UTF8.GetBytes(text + "\0");

    public static byte[] UInt32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
