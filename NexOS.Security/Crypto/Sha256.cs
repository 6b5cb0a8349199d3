using System.Buffers.Binary;

namespace NexOS.Security.Crypto;

/// <summary>
/// SHA-256 as specified in FIPS 180-4, written for the kernel: no allocation, no exceptions
/// on valid use, no System.Security.Cryptography (which the NativeAOT kernel does not have).
/// Contract: the caller supplies a 64-byte block buffer (usually stackalloc) so the hasher can
/// be a ref struct that never touches the heap; <see cref="Append"/> may be called any number
/// of times, then <see cref="Finish"/> once. <see cref="HashData"/> is the one-shot form.
/// </summary>
public ref struct Sha256
{
    /// <summary>Length of a digest in bytes.</summary>
    public const int HashSize = 32;

    /// <summary>Length of a message block in bytes; the block buffer must be at least this long.</summary>
    public const int BlockSize = 64;

    // The round constants are the first 32 bits of the fractional parts of the cube roots
    // of the first 64 primes (FIPS 180-4, section 4.2.2).
    private static readonly uint[] s_roundConstants =
    {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };

    private readonly Span<byte> _block;
    private uint _h0, _h1, _h2, _h3, _h4, _h5, _h6, _h7;
    private int _blockUsed;
    private ulong _totalBytes;

    /// <summary>Starts a hash using <paramref name="blockBuffer"/> (at least <see cref="BlockSize"/>
    /// bytes) as scratch space. A shorter buffer is a programming error and throws.</summary>
    public Sha256(Span<byte> blockBuffer)
    {
        if (blockBuffer.Length < BlockSize)
        {
            throw new ArgumentException("SHA-256 needs a 64-byte block buffer", nameof(blockBuffer));
        }

        _block = blockBuffer.Slice(0, BlockSize);
        _blockUsed = 0;
        _totalBytes = 0;

        // Initial hash value: fractional parts of the square roots of the first 8 primes (5.3.3).
        _h0 = 0x6a09e667;
        _h1 = 0xbb67ae85;
        _h2 = 0x3c6ef372;
        _h3 = 0xa54ff53a;
        _h4 = 0x510e527f;
        _h5 = 0x9b05688c;
        _h6 = 0x1f83d9ab;
        _h7 = 0x5be0cd19;
    }

    /// <summary>Hashes <paramref name="data"/> into <paramref name="digest"/> (32 bytes).</summary>
    public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        var sha = new Sha256(block);
        sha.Append(data);
        sha.Finish(digest);
    }

    /// <summary>Feeds more message bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _totalBytes += (ulong)data.Length;

        // Top up a partly filled block first; only full blocks are compressed.
        if (_blockUsed > 0)
        {
            int take = Math.Min(BlockSize - _blockUsed, data.Length);
            data.Slice(0, take).CopyTo(_block.Slice(_blockUsed));
            _blockUsed += take;
            data = data.Slice(take);
            if (_blockUsed < BlockSize)
            {
                return;
            }

            Compress(_block);
            _blockUsed = 0;
        }

        while (data.Length >= BlockSize)
        {
            Compress(data.Slice(0, BlockSize));
            data = data.Slice(BlockSize);
        }

        data.CopyTo(_block);
        _blockUsed = data.Length;
    }

    /// <summary>Pads the message, writes the 32-byte digest and leaves the hasher spent (a
    /// further Append would hash garbage). <paramref name="digest"/> shorter than 32 throws.</summary>
    public void Finish(Span<byte> digest)
    {
        if (digest.Length < HashSize)
        {
            throw new ArgumentException("SHA-256 digest needs 32 bytes", nameof(digest));
        }

        ulong bitLength = _totalBytes * 8;

        // Padding (5.1.1): one 1 bit, zeros, then the 64-bit big-endian message length, so
        // that the padded message is a whole number of blocks.
        _block[_blockUsed++] = 0x80;
        if (_blockUsed > BlockSize - 8)
        {
            _block.Slice(_blockUsed).Clear();
            Compress(_block);
            _blockUsed = 0;
        }

        _block.Slice(_blockUsed, BlockSize - 8 - _blockUsed).Clear();
        BinaryPrimitives.WriteUInt64BigEndian(_block.Slice(BlockSize - 8), bitLength);
        Compress(_block);

        BinaryPrimitives.WriteUInt32BigEndian(digest, _h0);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(4), _h1);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(8), _h2);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(12), _h3);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(16), _h4);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(20), _h5);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(24), _h6);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(28), _h7);
    }

    private static uint Rotr(uint x, int n) => (x >> n) | (x << (32 - n));

    // One application of the compression function (6.2.2). The message schedule is kept as a
    // 16-word rolling window, since word t only depends on words t-2, t-7, t-15 and t-16.
    private void Compress(ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(i * 4));
        }

        uint a = _h0, b = _h1, c = _h2, d = _h3, e = _h4, f = _h5, g = _h6, h = _h7;
        uint[] k = s_roundConstants;
        for (int t = 0; t < 64; t++)
        {
            uint wt;
            if (t < 16)
            {
                wt = w[t];
            }
            else
            {
                uint w15 = w[(t - 15) & 15];
                uint w2 = w[(t - 2) & 15];
                uint sigma0 = Rotr(w15, 7) ^ Rotr(w15, 18) ^ (w15 >> 3);
                uint sigma1 = Rotr(w2, 17) ^ Rotr(w2, 19) ^ (w2 >> 10);
                wt = sigma1 + w[(t - 7) & 15] + sigma0 + w[t & 15];
                w[t & 15] = wt;
            }

            uint bigSigma1 = Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25);
            uint choose = (e & f) ^ (~e & g);
            uint t1 = h + bigSigma1 + choose + k[t] + wt;
            uint bigSigma0 = Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22);
            uint majority = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = bigSigma0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        _h0 += a;
        _h1 += b;
        _h2 += c;
        _h3 += d;
        _h4 += e;
        _h5 += f;
        _h6 += g;
        _h7 += h;
    }
}
