namespace NexOS.Security.External;

/// <summary>
/// CRC-32 as in IEEE 802.3, zlib and PNG (reflected polynomial 0xEDB88320, initial value and
/// final XOR 0xFFFFFFFF; "123456789" gives 0xCBF43926). It guards serial frames against line
/// noise, not against forgery: patches carry their own SHA-256 and optional HMAC. Computed
/// bit by bit without a table: frames are at most 64 KiB, so the speed does not matter and
/// there is no static state to initialise in the kernel.
/// </summary>
public static class Crc32
{
    private const uint Polynomial = 0xEDB88320;

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The register value before any data.</summary>
    public const uint Start = 0xFFFFFFFF;

    /// <summary>Feeds <paramref name="data"/> into a running register.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }
        }

        return crc;
    }

    /// <summary>The CRC from a running register.</summary>
    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFF;
}
