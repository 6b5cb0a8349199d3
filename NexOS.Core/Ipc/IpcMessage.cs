namespace NexOS.Core.Ipc;

/// <summary>
/// One IPC message: a label, up to <see cref="MaxWords"/> data words that the kernel carries
/// in registers, and optionally one granted memory buffer. The IPC layer only validates and
/// carries the grant; mapping the buffer into the receiver is the kernel's job. A plain value
/// of 64 bytes, so copying it never allocates.
/// </summary>
public struct IpcMessage
{
    /// <summary>Data words a message can carry.</summary>
    public const int MaxWords = 4;

    /// <summary>Largest buffer a message may grant: 256 KiB (NexOS.Abi's UserAbi.MaxGrantLength).</summary>
    public const uint MaxGrantLength = 256 * 1024;

    /// <summary>What the message means to the receiver (the operation or reply code).</summary>
    public ulong Label { get; set; }

    public ulong W0 { get; set; }

    public ulong W1 { get; set; }

    public ulong W2 { get; set; }

    public ulong W3 { get; set; }

    /// <summary>How many of <see cref="W0"/> to <see cref="W3"/> are part of the message
    /// (0 to <see cref="MaxWords"/>); the receiver sees the others as zero.</summary>
    public int WordCount { get; set; }

    /// <summary>Start of the granted buffer; 0 when there is no grant.</summary>
    public ulong GrantAddress { get; set; }

    /// <summary>Bytes in the granted buffer (at most <see cref="MaxGrantLength"/>); 0 when
    /// there is no grant.</summary>
    public uint GrantLength { get; set; }

    /// <summary>Access the receiver gets to the buffer; none when there is no grant.</summary>
    public IpcGrantRights GrantRights { get; set; }

    /// <summary>True when the message grants a buffer (a non-zero length).</summary>
    public readonly bool HasGrant => GrantLength != 0;

    /// <summary>
    /// True when the message may be sent: <see cref="WordCount"/> is 0 to
    /// <see cref="MaxWords"/>; a grant has a length of at most <see cref="MaxGrantLength"/>,
    /// some rights and only Read and Write, and does not wrap past the end of the address
    /// space; without a length, address and rights are zero.
    /// </summary>
    public readonly bool Validate()
    {
        if ((uint)WordCount > MaxWords)
        {
            return false;
        }

        if (GrantLength == 0)
        {
            return GrantAddress == 0 && GrantRights == IpcGrantRights.None;
        }

        if (GrantLength > MaxGrantLength)
        {
            return false;
        }

        if (GrantRights == IpcGrantRights.None || (GrantRights & ~IpcGrantRights.ReadWrite) != 0)
        {
            return false;
        }

        return GrantAddress <= ulong.MaxValue - GrantLength;
    }

    /// <summary>Data word <paramref name="index"/> if it is part of the message, else 0.</summary>
    public readonly ulong GetWord(int index)
    {
        if ((uint)index >= (uint)WordCount)
        {
            return 0;
        }

        return index switch
        {
            0 => W0,
            1 => W1,
            2 => W2,
            _ => W3,
        };
    }

    /// <summary>The message as a receiver gets it: words past <see cref="WordCount"/> are
    /// zero, so a sender's stale register contents never travel.</summary>
    internal readonly IpcMessage Trimmed()
    {
        IpcMessage copy = this;
        if (WordCount < 4)
        {
            copy.W3 = 0;
        }

        if (WordCount < 3)
        {
            copy.W2 = 0;
        }

        if (WordCount < 2)
        {
            copy.W1 = 0;
        }

        if (WordCount < 1)
        {
            copy.W0 = 0;
        }

        return copy;
    }
}
