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

    // Edits a valid unsigned patch and repairs its SHA-256 trailer, so that the structural
    // check behind the edit is what refuses it.
    private static byte[] EditAndRehash(byte[] original, Action<byte[]> edit)
    {
        byte[] bytes = (byte[])original.Clone();
        edit(bytes);
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        return bytes;
    }

    [Test]
    public void StructuralRefusalsBehindAValidHash()
    {
        byte[] parameters = SamplePatches.Encode(SamplePatches.Parameters(PatchOrigin.Engine, ("aa", 1), ("ab", 2)));
        byte[] cil = SamplePatches.Encode(SamplePatches.Cil());
        int secondName = Array.LastIndexOf(parameters, (byte)'b');

        // The sample IL ends "add; ret" (58 2A); the local count and the first local type follow.
        int codeEnd = cil.AsSpan().IndexOf(new byte[] { 0x58, 0x2A }) + 2;

        (byte[] Bytes, PatchErrorCode Code, int Offset)[] cases =
        {
            (EditAndRehash(parameters, b => b[10] = 3), PatchErrorCode.UnknownValue, 10),
            (EditAndRehash(parameters, b => b[28] = 0), PatchErrorCode.UnknownValue, 28),
            (EditAndRehash(parameters, b => b[33] = 0xFF), PatchErrorCode.BadString, 29),
            (EditAndRehash(parameters, b => b[secondName] = (byte)'a'), PatchErrorCode.Duplicate, secondName - 5),
            // A parameter payload read as a CIL payload: here its bytes end up as a local type.
            (EditAndRehash(parameters, b => b[10] = 2), PatchErrorCode.UnknownValue, -1),
            (EditAndRehash(cil, b => b[codeEnd + 1] = 7), PatchErrorCode.UnknownValue, codeEnd + 1),
        };
        foreach ((byte[] bytes, PatchErrorCode code, int offset) in cases)
        {
            PatchError error = Refuse(bytes);
            Assert.That(error.Code, Is.EqualTo(code), error.Message);
            if (offset >= 0)
            {
                Assert.That(error.Offset, Is.EqualTo(offset), error.Message);
            }
        }
    }
}
