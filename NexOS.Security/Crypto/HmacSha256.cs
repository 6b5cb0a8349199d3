namespace NexOS.Security.Crypto;

/// <summary>
/// HMAC-SHA256 (RFC 2104 with the FIPS 180-4 hash, test vectors in RFC 4231). Allocation-free:
/// the padded key and the inner digest live on the stack. Contract: any key length is accepted
/// (keys longer than a block are first hashed, as the RFC says); the MAC is 32 bytes.
/// </summary>
public static class HmacSha256
{
    /// <summary>Length of a MAC in bytes.</summary>
    public const int MacSize = Sha256.HashSize;

    private const byte InnerPad = 0x36;
    private const byte OuterPad = 0x5c;

    /// <summary>Computes the MAC of <paramref name="message"/> under <paramref name="key"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> mac)
    {
        Compute(key, message, ReadOnlySpan<byte>.Empty, mac);
    }

    /// <summary>Computes the MAC of the concatenation <paramref name="first"/> ||
    /// <paramref name="second"/> without copying them together first.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> mac)
    {
        Span<byte> paddedKey = stackalloc byte[Sha256.BlockSize];
        paddedKey.Clear();
        if (key.Length > Sha256.BlockSize)
        {
            Sha256.HashData(key, paddedKey);
        }
        else
        {
            key.CopyTo(paddedKey);
        }

        Span<byte> block = stackalloc byte[Sha256.BlockSize];
        Span<byte> pad = stackalloc byte[Sha256.BlockSize];
        Span<byte> innerDigest = stackalloc byte[Sha256.HashSize];

        for (int i = 0; i < pad.Length; i++)
        {
            pad[i] = (byte)(paddedKey[i] ^ InnerPad);
        }

        var inner = new Sha256(block);
        inner.Append(pad);
        inner.Append(first);
        inner.Append(second);
        inner.Finish(innerDigest);

        for (int i = 0; i < pad.Length; i++)
        {
            pad[i] = (byte)(paddedKey[i] ^ OuterPad);
        }

        var outer = new Sha256(block);
        outer.Append(pad);
        outer.Append(innerDigest);
        outer.Finish(mac);

        // The padded key is secret material; do not leave it in the stack frame.
        paddedKey.Clear();
        pad.Clear();
    }
}
