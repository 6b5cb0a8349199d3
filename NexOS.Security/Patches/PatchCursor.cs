using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace NexOS.Security.Patches;

/// <summary>
/// Bounds-checked little-endian reading of untrusted patch bytes. Every read first checks that
/// the bytes are there; on failure it records a <see cref="PatchError"/> naming the offset and
/// the field, and returns false, so the reader never indexes past the end and never throws.
/// Field names are passed as a constant plus an index so that nothing is formatted (or
/// allocated) unless a read fails.
/// </summary>
internal ref struct PatchCursor
{
    private readonly ReadOnlySpan<byte> _data;

    public PatchCursor(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        Position = position;
        Error = default;
    }

    public int Position { get; private set; }

    public PatchError Error { get; private set; }

    public int Remaining => _data.Length - Position;

    public bool Fail(PatchErrorCode code, int offset, string message)
    {
        Error = new PatchError(code, offset, message);
        return false;
    }

    public bool ReadU8(string what, int index, out byte value)
    {
        value = 0;
        if (!Need(1, what, index))
        {
            return false;
        }

        value = _data[Position];
        Position += 1;
        return true;
    }

    public bool ReadU16(string what, int index, out ushort value)
    {
        value = 0;
        if (!Need(2, what, index))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(_data.Slice(Position));
        Position += 2;
        return true;
    }

    public bool ReadU32(string what, int index, out uint value)
    {
        value = 0;
        if (!Need(4, what, index))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(Position));
        Position += 4;
        return true;
    }

    public bool ReadU64(string what, int index, out ulong value)
    {
        value = 0;
        if (!Need(8, what, index))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(Position));
        Position += 8;
        return true;
    }

    public bool ReadBytes(int count, string what, int index, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!Need(count, what, index))
        {
            return false;
        }

        bytes = _data.Slice(Position, count);
        Position += count;
        return true;
    }

    /// <summary>Reads a u32 length and that many bytes of UTF-8. The length is checked against
    /// the string limit before anything else, so a huge length costs nothing.</summary>
    public bool ReadString(string what, int index, bool required, out string value)
    {
        value = string.Empty;
        int start = Position;
        if (!ReadU32(what, index, out uint length))
        {
            return false;
        }

        if (length > PatchLimits.MaxStringBytes)
        {
            return Fail(PatchErrorCode.LimitExceeded, start, $"string of {length} bytes exceeds the limit of {PatchLimits.MaxStringBytes} ({Describe(what, index)})");
        }

        if (!ReadBytes((int)length, what, index, out ReadOnlySpan<byte> bytes))
        {
            return false;
        }

        if (!Utf8.IsValid(bytes))
        {
            return Fail(PatchErrorCode.BadString, start, $"{Describe(what, index)} at offset {start} is not valid UTF-8");
        }

        if (required && length == 0)
        {
            return Fail(PatchErrorCode.BadString, start, $"{Describe(what, index)} at offset {start} is empty");
        }

        value = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private bool Need(int count, string what, int index)
    {
        if (count <= Remaining)
        {
            return true;
        }

        return Fail(PatchErrorCode.Truncated, Position, $"truncated at offset {Position} while reading {Describe(what, index)}");
    }

    private static string Describe(string what, int index) => index < 0 ? what : $"{what} {index}";
}
