using System.Buffers.Binary;
using NexOS.Security.Patches;

namespace NexOS.Tests.Security.Patches;

[TestFixture]
public sealed class PatchCorruptionTests
{
    private static PatchError Refuse(ReadOnlySpan<byte> bytes)
    {
        Assert.That(PatchReader.TryParse(bytes, out Patch? patch, out PatchError error), Is.False);
        Assert.That(patch, Is.Null);
        Assert.That(error.IsError, Is.True);
        Assert.That(error.Message, Is.Not.Empty);
        return error;
    }

    private static IEnumerable<byte[]> AllSamples()
    {
        yield return SamplePatches.Encode(SamplePatches.Parameters());
        yield return SamplePatches.Encode(SamplePatches.Cil());
        yield return SamplePatches.Encode(SamplePatches.Parameters(PatchOrigin.External), SamplePatches.Key);
        yield return SamplePatches.Encode(SamplePatches.Cil(), SamplePatches.Key);
    }

    [Test]
    public void EveryTruncationIsReportedAsTruncatedWithinTheInput()
    {
        foreach (byte[] bytes in AllSamples())
        {
            for (int length = 0; length < bytes.Length; length++)
            {
                PatchError error = Refuse(bytes.AsSpan(0, length));
                Assert.That(error.Code, Is.EqualTo(PatchErrorCode.Truncated), error.Message);
                Assert.That(error.Offset, Is.InRange(0, length), error.Message);
                Assert.That(error.Message, Does.StartWith($"truncated at offset {error.Offset} while reading "));
            }
        }
    }

    [Test]
    public void EverySingleBitFlipIsDetected()
    {
        var ring = new PatchKeyRing();
        ring.TryAdd(SamplePatches.Key);
        foreach (byte[] original in AllSamples())
        {
            for (int bit = 0; bit < original.Length * 8; bit++)
            {
                byte[] bytes = (byte[])original.Clone();
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                bool parsed = PatchReader.TryParse(bytes, out Patch? patch, out _);

                // A flip in the signature block leaves the content intact; it is caught when
                // the signature is checked (flips in the unsigned samples never parse).
                Assert.That(parsed && (patch!.Signature == null || ring.VerifySignature(patch)), Is.False, $"bit {bit} undetected");
            }
        }
    }

    [Test]
    public void TruncatedTargetNameNamesTheField()
    {
        byte[] bytes = SamplePatches.Encode(SamplePatches.Parameters());

        // The target follows the fixed header (29 bytes), the source and the reason.
        int targetAt = 29 + 4 + "nexos-tuner-v3".Length + 4 + "lower tail latency under load".Length;
        PatchError error = Refuse(bytes.AsSpan(0, targetAt + 2));
        Assert.That(error.Message, Is.EqualTo($"truncated at offset {targetAt} while reading the target name"));
        error = Refuse(bytes.AsSpan(0, targetAt + 6));
        Assert.That(error.Message, Is.EqualTo($"truncated at offset {targetAt + 4} while reading the target name"));
    }

    [Test]
    public void SpecificRefusalsHaveClearMessages()
    {
        byte[] good = SamplePatches.Encode(SamplePatches.Parameters());

        byte[] version = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(version.AsSpan(8), 7);
        PatchError error = Refuse(version);
        Assert.That((error.Code, error.Offset, error.Message), Is.EqualTo((PatchErrorCode.UnknownVersion, 8, "unknown version 7")));

        byte[] longString = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(longString.AsSpan(29), 70000);
        error = Refuse(longString);
        Assert.That(error.Code, Is.EqualTo(PatchErrorCode.LimitExceeded));
        Assert.That(error.Offset, Is.EqualTo(29));
        Assert.That(error.Message, Does.StartWith("string of 70000 bytes exceeds the limit of 256"));

        byte[] hash = (byte[])good.Clone();
        hash[^1] ^= 0x80;
        error = Refuse(hash);
        Assert.That((error.Code, error.Offset), Is.EqualTo((PatchErrorCode.HashMismatch, good.Length - 32)));
        Assert.That(error.Message, Does.StartWith("hash mismatch"));

        byte[] trailing = new byte[good.Length + 3];
        good.CopyTo(trailing, 0);
        error = Refuse(trailing);
        Assert.That((error.Code, error.Offset), Is.EqualTo((PatchErrorCode.TrailingBytes, good.Length)));
        Assert.That(error.Message, Does.StartWith("trailing bytes after trailer"));

        byte[] magic = (byte[])good.Clone();
        magic[3] = (byte)'X';
        Assert.That(Refuse(magic).Code, Is.EqualTo(PatchErrorCode.BadMagic));

        byte[] flags = (byte[])good.Clone();
        flags[11] = 0x80;
        Assert.That(Refuse(flags).Code, Is.EqualTo(PatchErrorCode.BadFlags));

        Assert.That(Refuse(new byte[PatchLimits.MaxTotalBytes + 1]).Code, Is.EqualTo(PatchErrorCode.LimitExceeded));
    }
}
