using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using NexOS.Security.Crypto;

namespace NexOS.Security.Patches;

/// <summary>
/// Encodes a <see cref="Patch"/> in the patch format (docs/self-modification.md): header,
/// provenance, payload, SHA-256 trailer and, when a key is given, the signature block.
/// Contract: the patch is validated first against <see cref="PatchLimits"/>; whatever the
/// writer accepts, <see cref="PatchReader.TryParse"/> reads back equal. The hash and signature
/// already on the patch object are ignored; they are always computed afresh.
/// </summary>
public static class PatchWriter
{
    /// <summary>Encodes into a new array of exactly the right length.</summary>
    public static bool TryWrite(Patch patch, PatchSigningKey? key, [NotNullWhen(true)] out byte[]? bytes, out PatchError error)
    {
        bytes = null;
        if (!PatchValidator.Validate(patch, out error))
        {
            return false;
        }

        int length = EncodedLength(patch, key != null);
        if (length > PatchLimits.MaxTotalBytes)
        {
            error = new PatchError(PatchErrorCode.LimitExceeded, -1, $"patch of {length} bytes exceeds the limit of {PatchLimits.MaxTotalBytes}");
            return false;
        }

        bytes = new byte[length];
        Encode(patch, key, bytes);
        return true;
    }

    /// <summary>The encoded length of a valid patch, with or without a signature block.</summary>
    public static int EncodedLength(Patch patch, bool signed)
    {
        PatchProvenance p = patch.Provenance;
        int length = PatchLimits.MagicLength + 2 + 1 + 1 + 8 + 8 + 1;
        length += StringLength(p.Source) + StringLength(p.Reason) + StringLength(patch.Target) + StringLength(p.GainMetric) + 4;
        if (patch.Kind == PatchKind.Parameter)
        {
            length += 2;
            foreach (ParameterChange change in patch.Parameters)
            {
                length += StringLength(change.Name) + 8;
            }
        }
        else if (patch.Cil != null)
        {
            CilBody body = patch.Cil;
            length += 2 + 4 + body.Code.Length + 1 + body.Locals.Length + 2 + 2 + (8 * body.Constants.Length);
            foreach (CilToken token in body.Tokens)
            {
                length += 4 + 1 + StringLength(token.Name);
            }
        }

        return length + Sha256.HashSize + (signed ? PatchLimits.SignatureBlockBytes : 0);
    }

    private static int StringLength(string value) => 4 + Encoding.UTF8.GetByteCount(value);

    private static void Encode(Patch patch, PatchSigningKey? key, Span<byte> output)
    {
        PatchProvenance p = patch.Provenance;
        PatchLimits.WriteMagic(output);
        int at = PatchLimits.MagicLength;
        at = PutU16(output, at, PatchLimits.FormatVersion);
        output[at++] = (byte)patch.Kind;
        output[at++] = key != null ? PatchLimits.FlagSigned : (byte)0;
        at = PutU64(output, at, p.PatchId);
        at = PutU64(output, at, p.CreatedNs);
        output[at++] = (byte)p.Origin;
        at = PutString(output, at, p.Source);
        at = PutString(output, at, p.Reason);
        at = PutString(output, at, patch.Target);
        at = PutString(output, at, p.GainMetric);
        at = PutU32(output, at, (uint)p.ExpectedGainBp);
        at = patch.Kind == PatchKind.Parameter ? PutParameters(output, at, patch.Parameters) : PutCil(output, at, patch.Cil!);

        Span<byte> hash = output.Slice(at, Sha256.HashSize);
        Sha256.HashData(output.Slice(0, at), hash);
        at += Sha256.HashSize;
        if (key != null)
        {
            at = PutU32(output, at, key.KeyId);
            PatchSignature.ComputeMac(key.Key, hash, key.KeyId, output.Slice(at, HmacSha256.MacSize));
        }
    }

    private static int PutParameters(Span<byte> output, int at, ReadOnlySpan<ParameterChange> changes)
    {
        at = PutU16(output, at, (ushort)changes.Length);
        foreach (ParameterChange change in changes)
        {
            at = PutString(output, at, change.Name);
            at = PutU64(output, at, (ulong)change.Value);
        }

        return at;
    }

    private static int PutCil(Span<byte> output, int at, CilBody body)
    {
        at = PutU16(output, at, (ushort)body.MaxStack);
        at = PutU32(output, at, (uint)body.Code.Length);
        body.Code.CopyTo(output.Slice(at));
        at += body.Code.Length;
        output[at++] = (byte)body.Locals.Length;
        foreach (CilLocalType type in body.Locals)
        {
            output[at++] = (byte)type;
        }

        at = PutU16(output, at, (ushort)body.Tokens.Length);
        foreach (CilToken token in body.Tokens)
        {
            at = PutU32(output, at, token.Token);
            output[at++] = (byte)token.Kind;
            at = PutString(output, at, token.Name);
        }

        at = PutU16(output, at, (ushort)body.Constants.Length);
        foreach (long constant in body.Constants)
        {
            at = PutU64(output, at, (ulong)constant);
        }

        return at;
    }

    private static int PutU16(Span<byte> output, int at, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(output.Slice(at), value);
        return at + 2;
    }

    private static int PutU32(Span<byte> output, int at, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(at), value);
        return at + 4;
    }

    private static int PutU64(Span<byte> output, int at, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(output.Slice(at), value);
        return at + 8;
    }

    private static int PutString(Span<byte> output, int at, string value)
    {
        int length = Encoding.UTF8.GetBytes(value, output.Slice(at + 4));
        PutU32(output, at, (uint)length);
        return at + 4 + length;
    }
}
