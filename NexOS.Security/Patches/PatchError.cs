namespace NexOS.Security.Patches;

/// <summary>Why a patch was refused by the reader or the writer.</summary>
public enum PatchErrorCode : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The input ended inside a field.</summary>
    Truncated,

    /// <summary>The input does not start with "NXPATCH\0".</summary>
    BadMagic,

    /// <summary>A format version this code does not know.</summary>
    UnknownVersion,

    /// <summary>A kind, origin, token kind or local type byte outside its enum.</summary>
    UnknownValue,

    /// <summary>Reserved flag bits are set.</summary>
    BadFlags,

    /// <summary>A length or count exceeds its limit in <see cref="PatchLimits"/>.</summary>
    LimitExceeded,

    /// <summary>A string is not valid UTF-8, or is empty where a name is required.</summary>
    BadString,

    /// <summary>Two parameter changes name the same parameter, or two tokens share a value.</summary>
    Duplicate,

    /// <summary>The stored SHA-256 does not match the content.</summary>
    HashMismatch,

    /// <summary>Bytes follow the trailer.</summary>
    TrailingBytes,

    /// <summary>The patch object given to the writer is inconsistent (for example a CIL patch
    /// without a body).</summary>
    Inconsistent,
}

/// <summary>
/// A refusal: a reason code, the byte offset of the field at fault (-1 when the writer
/// refused an object, which has no offsets) and a message for people.
/// </summary>
public readonly struct PatchError
{
    /// <summary>Creates an error.</summary>
    public PatchError(PatchErrorCode code, int offset, string message)
    {
        Code = code;
        Offset = offset;
        Message = message;
    }

    /// <summary>The reason code.</summary>
    public PatchErrorCode Code { get; }

    /// <summary>Byte offset of the field at fault, or -1.</summary>
    public int Offset { get; }

    /// <summary>A sentence such as "truncated at offset 37 while reading the target name".</summary>
    public string Message { get; }

    /// <summary>True when this is a real error rather than the default "none".</summary>
    public bool IsError => Code != PatchErrorCode.None;

    /// <inheritdoc/>
    public override string ToString() => Message ?? "no error";
}
