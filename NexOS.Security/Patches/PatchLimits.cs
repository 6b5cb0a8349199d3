namespace NexOS.Security.Patches;

/// <summary>
/// Format constants and the hard limits on every length in a patch. The limits exist so that
/// a hostile patch cannot make the parser allocate or loop without bound: every count and
/// length is checked against them before anything is allocated for it.
/// </summary>
public static class PatchLimits
{
    /// <summary>The only format version this code reads and writes.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>Length of the magic "NXPATCH\0".</summary>
    public const int MagicLength = 8;

    /// <summary>Flag bit: an HMAC signature block follows the hash.</summary>
    public const byte FlagSigned = 0x01;

    /// <summary>Largest whole encoded patch in bytes (64 KiB).</summary>
    public const int MaxTotalBytes = 64 * 1024;

    /// <summary>Largest UTF-8 string (names, source, reason) in bytes.</summary>
    public const int MaxStringBytes = 256;

    /// <summary>Most parameter changes in one patch.</summary>
    public const int MaxParameters = 64;

    /// <summary>Largest CIL body in bytes.</summary>
    public const int MaxCodeBytes = 4096;

    /// <summary>Most locals in a CIL body.</summary>
    public const int MaxLocals = 16;

    /// <summary>Most entries in a CIL token table.</summary>
    public const int MaxTokens = 64;

    /// <summary>Most 64-bit constants in a CIL patch.</summary>
    public const int MaxConstants = 64;

    /// <summary>Largest evaluation stack depth a CIL body may declare.</summary>
    public const int MaxStack = 64;

    /// <summary>Length of the key id plus MAC in a signature block.</summary>
    public const int SignatureBlockBytes = 4 + 32;

    /// <summary>Writes the magic into the first 8 bytes of <paramref name="destination"/>.</summary>
    internal static void WriteMagic(Span<byte> destination)
    {
        destination[0] = (byte)'N';
        destination[1] = (byte)'X';
        destination[2] = (byte)'P';
        destination[3] = (byte)'A';
        destination[4] = (byte)'T';
        destination[5] = (byte)'C';
        destination[6] = (byte)'H';
        destination[7] = 0;
    }

    /// <summary>True when <paramref name="source"/> starts with the magic.</summary>
    internal static bool HasMagic(ReadOnlySpan<byte> source)
    {
        Span<byte> magic = stackalloc byte[MagicLength];
        WriteMagic(magic);
        return source.Length >= MagicLength && source.Slice(0, MagicLength).SequenceEqual(magic);
    }
}
