namespace NexOS.Drivers.Network;

/// <summary>
/// An Ethernet controller as the NIC server (NexOS.DriverKit.NicServer) drives it: frames come
/// and go through the device's own DMA buffers, so the server copies each frame once, between
/// those buffers and its client's memory. Every driver (virtio-net, e1000) checks what its
/// device writes; a device that breaks its protocol is marked <see cref="Broken"/> and no
/// longer used. Nothing here throws or allocates after set-up.
/// </summary>
public interface INetworkDevice
{
    /// <summary>The station address, 6 bytes.</summary>
    ReadOnlySpan<byte> MacAddress { get; }

    /// <summary>True when the link is up (as last read; see <see cref="Service"/>).</summary>
    bool LinkUp { get; }

    /// <summary>True once the device broke its protocol; it then neither sends nor receives.</summary>
    bool Broken { get; }

    /// <summary>What the device has done.</summary>
    NicCounters Counters { get; }

    /// <summary>The next received frame (Ethernet header on, no FCS), or an empty span when
    /// none waits. It stays valid, and is returned again, until <see cref="ReleaseReceived"/>.</summary>
    ReadOnlySpan<byte> PeekReceived();

    /// <summary>Gives the buffer of the frame <see cref="PeekReceived"/> returned back to the
    /// device (it is posted at the next <see cref="Kick"/>).</summary>
    void ReleaseReceived();

    /// <summary>A transmit buffer of <paramref name="length"/> bytes (14 to
    /// <see cref="NicCounters.MaxFrameBytes"/>) for the caller to fill, or an empty span when
    /// the ring is full or the length is out of range; then <see cref="SubmitTransmit"/>.</summary>
    Span<byte> ReserveTransmit(int length);

    /// <summary>Queues the frame filled in the buffer <see cref="ReserveTransmit"/> gave (it
    /// goes out at the next <see cref="Kick"/>).</summary>
    void SubmitTransmit();

    /// <summary>Tells the device about buffers posted and frames queued since the last kick.</summary>
    void Kick();

    /// <summary>Handles the device's interrupt: acknowledges it, reclaims sent buffers and
    /// reads the link state. True when the link state changed.</summary>
    bool Service();
}

/// <summary>Counters of one network device, cheap enough to keep on.</summary>
public sealed class NicCounters
{
    /// <summary>The longest frame without FCS: 1514 bytes (a 1500-byte MTU).</summary>
    public const int MaxFrameBytes = 1514;

    /// <summary>The shortest frame accepted: an Ethernet header.</summary>
    public const int MinFrameBytes = 14;

    public ulong FramesReceived;
    public ulong BytesReceived;
    public ulong FramesSent;
    public ulong BytesSent;

    /// <summary>Received frames dropped for a bad length or a receive error.</summary>
    public ulong ReceiveErrors;

    /// <summary>Transmissions refused because every transmit buffer was in use.</summary>
    public ulong TransmitRingFull;

    public ulong Interrupts;
    public ulong LinkChanges;
}
