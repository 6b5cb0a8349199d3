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

    /// <summary>
    /// Reads a key written as hex digits, ignoring whitespace (key files, the console's
    /// `evolve key add`). Returns null and a one-line reason for anything that is not
    /// <see cref="MinKeyBytes"/> to <see cref="MaxKeyBytes"/> bytes of hex. Never throws.
    /// </summary>
    public static byte[]? TryParseHex(string text, out string error)
    {
        var digits = new List<int>(text.Length);
        foreach (char c in text)
        {
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d >= 0)
            {
                digits.Add(d);
            }
            else if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                error = $"'{(c < ' ' ? '?' : c)}' is not a hex digit";
                return null;
            }
        }

        int bytes = digits.Count / 2;
        if (digits.Count % 2 != 0 || bytes < MinKeyBytes || bytes > MaxKeyBytes)
        {
            error = digits.Count % 2 != 0 ? "an odd number of hex digits"
                : $"{bytes} bytes; a key has {MinKeyBytes} to {MaxKeyBytes}";
            return null;
        }

        var key = new byte[bytes];
        for (int i = 0; i < bytes; i++)
        {
            key[i] = (byte)((digits[2 * i] << 4) | digits[(2 * i) + 1]);
        }

        error = string.Empty;
        return key;
    }
}
