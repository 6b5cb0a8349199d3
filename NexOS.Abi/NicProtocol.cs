namespace NexOS.Abi;

/// <summary>
/// The protocol every network driver serves (user/virtionet, docs/services.md) on the `nic`
/// endpoint, for the network stack. The driver signals its `netwake` notification when frames
/// have arrived or the link changed; the stack then asks for them. Frames travel in a grant as
/// records: a little-endian ushort length, then the frame (Ethernet header on, no FCS, 14 to
/// <see cref="MaxFrame"/> bytes), then padding to an even offset. The answer's Label is a
/// <see cref="SyscallStatus"/> value (0: Ok).
/// Info: answers W0 = the MAC address (byte i in bits 8i..8i+7), W1 = <see cref="Flags"/>,
/// W2 = <see cref="MaxFrame"/>.
/// Transmit: W0 = frames; a read grant holding them as records; answers W0 = frames queued (the
/// rest found the transmit ring full: the stack tries them again later). A malformed record
/// refuses the whole request with BadArgument before anything is sent.
/// Receive: a write grant; answers W0 = frames written as records, W1 = bytes used, W2 = 1 when
/// more frames wait than fitted.
/// Counters: answers W0 = frames received, W1 = frames sent, W2 = receive errors, W3 =
/// transmissions refused for a full ring.
/// </summary>
public static class NicProtocol
{
    public const ulong Info = 1;
    public const ulong Transmit = 2;
    public const ulong Receive = 3;
    public const ulong Counters = 4;

    /// <summary>The longest frame: 1514 bytes, a 1500-byte MTU and an Ethernet header.</summary>
    public const int MaxFrame = 1514;

    /// <summary>The shortest frame: an Ethernet header.</summary>
    public const int MinFrame = 14;

    /// <summary>The bit the driver raises on the stack's notification.</summary>
    public const ulong WakeBit = 1;

    /// <summary>Bytes one record takes for a frame of <paramref name="length"/> bytes.</summary>
    public static int RecordBytes(int length) => 2 + length + (length & 1);

    /// <summary>Bits of Info's W1.</summary>
    [System.Flags]
    public enum Flags : ulong
    {
        None = 0,

        /// <summary>The link is up.</summary>
        LinkUp = 1,

        /// <summary>The device broke its protocol and is no longer used.</summary>
        Broken = 2,
    }
}
