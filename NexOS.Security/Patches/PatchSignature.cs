using System.Buffers.Binary;
using NexOS.Security.Crypto;

namespace NexOS.Security.Patches;

/// <summary>
/// The optional signature block of a patch: a key id and HMAC-SHA256(key, hash || key id).
/// The MAC covers the content hash rather than the content: the hash already binds every byte
/// before it, so MACing it is as strong and lets a parsed <see cref="Patch"/> be checked without
/// its original bytes. The key id is under the MAC too, so it cannot be swapped.
/// </summary>
public sealed class PatchSignature
{
    private readonly byte[] _mac;

    /// <summary>Creates a signature block; <paramref name="mac"/> must be 32 bytes.</summary>
    public PatchSignature(uint keyId, byte[] mac)
    {
        if (mac.Length != HmacSha256.MacSize)
        {
            throw new ArgumentException("a patch MAC is 32 bytes", nameof(mac));
        }

        KeyId = keyId;
        _mac = mac;
    }

    /// <summary>Which key signed the patch.</summary>
    public uint KeyId { get; }

    /// <summary>The 32-byte MAC.</summary>
    public ReadOnlySpan<byte> Mac => _mac;

    /// <summary>Computes the MAC for a content <paramref name="hash"/> under <paramref name="key"/>.</summary>
    public static void ComputeMac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> hash, uint keyId, Span<byte> mac)
    {
        Span<byte> id = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(id, keyId);
        HmacSha256.Compute(key, hash, id, mac);
    }

    /// <summary>True when this block is a valid MAC of <paramref name="hash"/> under <paramref name="key"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> hash)
    {
        Span<byte> expected = stackalloc byte[HmacSha256.MacSize];
        ComputeMac(key, hash, KeyId, expected);
        return CryptoBytes.FixedTimeEquals(expected, _mac);
    }
}

/// <summary>A key for signing or checking external patches.</summary>
public sealed class PatchSigningKey
{
    private readonly byte[] _key;

    /// <summary>Creates a key; the array is kept, not copied.</summary>
    public PatchSigningKey(uint keyId, byte[] key)
    {
        KeyId = keyId;
        _key = key;
    }

    /// <summary>The id stored in signature blocks made with this key.</summary>
    public uint KeyId { get; }

    /// <summary>The secret key bytes.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Fewest key bytes accepted: shorter HMAC keys are guessable.</summary>
    public const int MinKeyBytes = 16;

    /// <summary>Most key bytes accepted (one SHA-256 block).</summary>
    public const int MaxKeyBytes = 64;

    /// <summary>Most bytes <see cref="TryParseHex(ReadOnlySpan{byte}, out string)"/> reads:
    /// the longest key in hex with a space between every two digits, and room to spare.</summary>
    public const int MaxTypedBytes = 256;

    /// <summary>
    /// Reads a key written as hex digits, ignoring whitespace (key files). Returns null and a
    /// one-line reason for anything that is not <see cref="MinKeyBytes"/> to
    /// <see cref="MaxKeyBytes"/> bytes of hex. Never throws.
    /// </summary>
    public static byte[]? TryParseHex(string text, out string error) => ParseHex(text, quote: true, out error);

    /// <summary>
    /// Reads a key typed at the console's secret prompt (`evolve key add`): UTF-8 hex digits,
    /// whitespace ignored, at most <see cref="MaxTypedBytes"/> bytes. Like
    /// <see cref="TryParseHex(string, out string)"/>, except that a reason names a character by
    /// its position rather than showing it, since the key is not to be shown, and that the
    /// only copy of the text, on the stack, is wiped before it returns. Never throws.
    /// </summary>
    public static byte[]? TryParseHex(ReadOnlySpan<byte> utf8, out string error)
    {
        if (utf8.Length > MaxTypedBytes)
        {
            error = $"more than {MaxTypedBytes} bytes typed; a key has {MinKeyBytes} to {MaxKeyBytes}";
            return null;
        }

        Span<char> text = stackalloc char[MaxTypedBytes];
        int length = 0;
        foreach (byte b in utf8)
        {
            // One char per UTF-8 character, so that positions count characters; no character
            // outside ASCII is a hex digit, so which one it was does not matter.
            if ((b & 0xC0) != 0x80)
            {
                text[length++] = b < 0x80 ? (char)b : '\uFFFD';
            }
        }

        byte[]? key = ParseHex(text[..length], quote: false, out error);
        text.Clear();
        return key;
    }

    /// <summary>The one parser behind both <c>TryParseHex</c>: counts the digits, then fills the
    /// key, so that no copy of the digits is made. <paramref name="quote"/> says whether a
    /// reason may show the offending character.</summary>
    private static byte[]? ParseHex(ReadOnlySpan<char> text, bool quote, out string error)
    {
        int digits = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (HexValue(c) >= 0)
            {
                digits++;
            }
            else if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                error = quote ? $"'{(c < ' ' ? '?' : c)}' is not a hex digit" : $"character {i + 1} is not a hex digit";
                return null;
            }
        }

        int bytes = digits / 2;
        if (digits % 2 != 0 || bytes < MinKeyBytes || bytes > MaxKeyBytes)
        {
            error = digits % 2 != 0 ? "an odd number of hex digits"
                : $"{bytes} bytes; a key has {MinKeyBytes} to {MaxKeyBytes}";
            return null;
        }

        var key = new byte[bytes];
        int seen = 0;
        foreach (char c in text)
        {
            int d = HexValue(c);
            if (d >= 0)
            {
                key[seen / 2] = (byte)((key[seen / 2] << 4) | d);
                seen++;
            }
        }

        error = string.Empty;
        return key;
    }

    private static int HexValue(char c) =>
        c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
