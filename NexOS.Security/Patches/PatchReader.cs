using System.Diagnostics.CodeAnalysis;
using NexOS.Security.Crypto;

namespace NexOS.Security.Patches;

/// <summary>
/// Decodes the patch format (layout in docs/self-modification.md) from untrusted bytes.
/// Contract: <see cref="TryParse"/> never throws and never reads out of bounds; it returns
/// either a patch within every limit of <see cref="PatchLimits"/> whose SHA-256 trailer
/// matched, or a <see cref="PatchError"/> with a reason, the offset and a message. The
/// signature block, when present, is decoded but not checked: that needs the key ring and is
/// the policy checker's job.
/// </summary>
public static partial class PatchReader
{
    /// <summary>Parses one whole patch; the input must contain exactly one patch and nothing else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out Patch? patch, out PatchError error)
    {
        patch = null;
        var cursor = new PatchCursor(bytes, 0);
        if (bytes.Length > PatchLimits.MaxTotalBytes)
        {
            error = new PatchError(PatchErrorCode.LimitExceeded, PatchLimits.MaxTotalBytes, $"patch of {bytes.Length} bytes exceeds the limit of {PatchLimits.MaxTotalBytes}");
            return false;
        }

        if (!cursor.ReadBytes(PatchLimits.MagicLength, "the magic", -1, out _))
        {
            error = cursor.Error;
            return false;
        }

        if (!PatchLimits.HasMagic(bytes))
        {
            error = new PatchError(PatchErrorCode.BadMagic, 0, "not a patch: the magic \"NXPATCH\\0\" is missing");
            return false;
        }

        if (!ReadHeader(ref cursor, out PatchKind kind, out bool signed, out string target, out PatchProvenance? provenance)
            || !ReadPayload(ref cursor, kind, out ParameterChange[]? changes, out CilBody? body)
            || !ReadTrailer(ref cursor, bytes, signed, out byte[]? hash, out PatchSignature? signature))
        {
            error = cursor.Error;
            return false;
        }

        patch = Patch.Decoded(kind, target, changes, body, provenance!, hash!, signature);
        error = default;
        return true;
    }

    private static bool ReadHeader(ref PatchCursor c, out PatchKind kind, out bool signed, out string target, out PatchProvenance? provenance)
    {
        kind = PatchKind.Parameter;
        signed = false;
        target = string.Empty;
        provenance = null;
        int at = c.Position;
        if (!c.ReadU16("the format version", -1, out ushort version))
        {
            return false;
        }

        if (version != PatchLimits.FormatVersion)
        {
            return c.Fail(PatchErrorCode.UnknownVersion, at, $"unknown version {version}");
        }

        at = c.Position;
        if (!c.ReadU8("the patch kind", -1, out byte kindByte))
        {
            return false;
        }

        if (kindByte != (byte)PatchKind.Parameter && kindByte != (byte)PatchKind.Cil)
        {
            return c.Fail(PatchErrorCode.UnknownValue, at, $"unknown patch kind {kindByte} at offset {at}");
        }

        kind = (PatchKind)kindByte;
        at = c.Position;
        if (!c.ReadU8("the flags", -1, out byte flags))
        {
            return false;
        }

        if ((flags & ~PatchLimits.FlagSigned) != 0)
        {
            return c.Fail(PatchErrorCode.BadFlags, at, $"reserved flag bits 0x{flags & ~PatchLimits.FlagSigned:x2} set at offset {at}");
        }

        signed = (flags & PatchLimits.FlagSigned) != 0;
        if (!c.ReadU64("the patch id", -1, out ulong patchId) || !c.ReadU64("the creation time", -1, out ulong createdNs))
        {
            return false;
        }

        at = c.Position;
        if (!c.ReadU8("the origin", -1, out byte originByte))
        {
            return false;
        }

        if (originByte != (byte)PatchOrigin.Engine && originByte != (byte)PatchOrigin.External)
        {
            return c.Fail(PatchErrorCode.UnknownValue, at, $"unknown origin {originByte} at offset {at}");
        }

        if (!c.ReadString("the source", -1, true, out string source)
            || !c.ReadString("the reason", -1, false, out string reason)
            || !c.ReadString("the target name", -1, true, out target)
            || !c.ReadString("the gain metric name", -1, false, out string gainMetric)
            || !c.ReadU32("the expected gain", -1, out uint gain))
        {
            return false;
        }

        provenance = new PatchProvenance(patchId, createdNs, (PatchOrigin)originByte, source, reason, gainMetric, (int)gain);
        return true;
    }

    private static bool ReadTrailer(ref PatchCursor c, ReadOnlySpan<byte> bytes, bool signed, out byte[]? hash, out PatchSignature? signature)
    {
        hash = null;
        signature = null;
        int contentLength = c.Position;
        if (!c.ReadBytes(Sha256.HashSize, "the hash", -1, out ReadOnlySpan<byte> stored))
        {
            return false;
        }

        Span<byte> computed = stackalloc byte[Sha256.HashSize];
        Sha256.HashData(bytes.Slice(0, contentLength), computed);
        if (!CryptoBytes.FixedTimeEquals(computed, stored))
        {
            return c.Fail(PatchErrorCode.HashMismatch, contentLength, $"hash mismatch: the SHA-256 at offset {contentLength} does not match the content");
        }

        if (signed)
        {
            if (!c.ReadU32("the signature key id", -1, out uint keyId)
                || !c.ReadBytes(HmacSha256.MacSize, "the signature", -1, out ReadOnlySpan<byte> mac))
            {
                return false;
            }

            signature = new PatchSignature(keyId, mac.ToArray());
        }

        if (c.Remaining != 0)
        {
            return c.Fail(PatchErrorCode.TrailingBytes, c.Position, $"trailing bytes after trailer: {c.Remaining} bytes from offset {c.Position}");
        }

        hash = stored.ToArray();
        return true;
    }
}
