using NexOS.Security.Patches;

namespace NexOS.Tests.Security.Patches;

[TestFixture]
public sealed class PatchFuzzTests
{
    [Test]
    public void HundredThousandHostileInputsNeverThrow()
    {
        var random = new Random(12345);
        byte[][] seeds =
        {
            SamplePatches.Encode(SamplePatches.Parameters()),
            SamplePatches.Encode(SamplePatches.Cil()),
            SamplePatches.Encode(SamplePatches.Cil(), SamplePatches.Key),
        };

        int accepted = 0;
        for (int round = 0; round < 100_000; round++)
        {
            byte[] input = round % 5 == 4 ? MutateAndRehash(random, seeds[round % 2]) : Mutate(random, seeds[round % seeds.Length], round % 5);
            if (PatchReader.TryParse(input, out Patch? patch, out PatchError error))
            {
                // Whatever the reader accepts, the writer encodes to the very same bytes: the
                // format has exactly one encoding for each patch. (A signed seed whose MAC was
                // changed also parses; the signature check, not the reader, refuses it.)
                accepted++;
                Assert.That(PatchWriter.TryWrite(patch, null, out byte[]? again, out PatchError writeError), Is.True, writeError.Message);
                if (patch.Signature == null)
                {
                    Assert.That(again, Is.EqualTo(input));
                }
            }
            else
            {
                Assert.That(error.IsError, Is.True);
                Assert.That(error.Offset, Is.InRange(0, Math.Max(input.Length, PatchLimits.MaxTotalBytes)));
            }
        }

        // Only re-hashed mutations can pass the hash check, and some of them should.
        Assert.That(accepted, Is.GreaterThan(100));
    }

    // Changes one byte of an unsigned patch and then repairs the SHA-256 trailer, so that the
    // structural checks behind the hash check are exercised too.
    private static byte[] MutateAndRehash(Random random, byte[] seed)
    {
        byte[] bytes = (byte[])seed.Clone();
        bytes[random.Next(bytes.Length - 32)] = (byte)random.Next(256);
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        return bytes;
    }

    // Mode 0: random bytes behind a valid magic and version, so parsing goes past the header.
    // Mode 1: a valid patch with a few random bytes changed. Mode 2: random garbage of random
    // length. Mode 3: a valid patch cut short or extended and then changed.
    private static byte[] Mutate(Random random, byte[] seed, int mode)
    {
        byte[] bytes;
        switch (mode)
        {
            case 0:
                bytes = new byte[random.Next(11, 400)];
                random.NextBytes(bytes);
                seed.AsSpan(0, 11).CopyTo(bytes);
                break;
            case 1:
                bytes = (byte[])seed.Clone();
                break;
            case 2:
                bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                return bytes;
            default:
                bytes = new byte[random.Next(1, seed.Length + 40)];
                seed.AsSpan(0, Math.Min(seed.Length, bytes.Length)).CopyTo(bytes);
                break;
        }

        int changes = 1 + random.Next(4);
        for (int i = 0; i < changes; i++)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        // A changed byte may have been set to its old value; make sure something differs.
        if (mode != 0 && bytes.Length == seed.Length && bytes.AsSpan().SequenceEqual(seed))
        {
            bytes[0] ^= 1;
        }

        return bytes;
    }
}
