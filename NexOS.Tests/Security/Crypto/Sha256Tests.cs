using System.Text;
using NexOS.Security.Crypto;
using Reference = System.Security.Cryptography;

namespace NexOS.Tests.Security.Crypto;

[TestFixture]
public sealed class Sha256Tests
{
    private static string Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Sha256.HashSize];
        Sha256.HashData(data, digest);
        return Convert.ToHexStringLower(digest);
    }

    // FIPS 180-4 example messages (NIST "SHA256.pdf" examples and the CAVS short messages).
    [TestCase("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [TestCase("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [TestCase("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [TestCase("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void MatchesNistExamples(string message, string expected)
    {
        Assert.That(Hash(Encoding.ASCII.GetBytes(message)), Is.EqualTo(expected));
    }

    [Test]
    public void MillionAsMatchesNist()
    {
        byte[] data = new byte[1_000_000];
        Array.Fill(data, (byte)'a');
        Assert.That(Hash(data), Is.EqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    [Test]
    public void EveryLengthAroundBlockBoundariesMatchesTheHostImplementation()
    {
        var random = new Random(1);
        for (int length = 0; length <= 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            string expected = Convert.ToHexStringLower(Reference.SHA256.HashData(data));
            Assert.That(Hash(data), Is.EqualTo(expected), $"length {length}");
        }
    }

    [Test]
    public void IncrementalAppendInAnyChunkingEqualsOneShot()
    {
        var random = new Random(2);
        Span<byte> block = stackalloc byte[Sha256.BlockSize];
        Span<byte> digest = stackalloc byte[Sha256.HashSize];
        for (int round = 0; round < 200; round++)
        {
            byte[] data = new byte[random.Next(0, 600)];
            random.NextBytes(data);
            var sha = new Sha256(block);
            int offset = 0;
            while (offset < data.Length)
            {
                int chunk = Math.Min(random.Next(0, 130), data.Length - offset);
                sha.Append(data.AsSpan(offset, chunk));
                offset += chunk;
            }

            sha.Finish(digest);
            Assert.That(Convert.ToHexStringLower(digest), Is.EqualTo(Convert.ToHexStringLower(Reference.SHA256.HashData(data))));
        }
    }

    [Test]
    public void HashingDoesNotAllocate()
    {
        byte[] data = new byte[1000];
        byte[] digest = new byte[32];
        Sha256.HashData(data, digest);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                Sha256.HashData(data, digest);
                HmacSha256.Compute(data.AsSpan(0, 100), data, digest);
            }
        });
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void ShortBuffersAreProgrammingErrors()
    {
        Assert.That(() => new Sha256(new byte[63]), Throws.ArgumentException);
        Assert.That(() => Sha256.HashData(new byte[1], new byte[31]), Throws.ArgumentException);
    }
}
