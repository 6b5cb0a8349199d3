using NexOS.Drivers.Hardware;
using NexOS.Drivers.Network;

namespace NexOS.Drivers.Virtio;

/// <summary>
/// The virtio-net driver (virtio 1.0, 5.1) over a modern PCI transport: receive queue 0 and
/// transmit queue 1, each descriptor one 2 KiB buffer in the DMA region that holds the
/// 12-byte virtio_net_hdr and one frame. Receive buffers are all posted at start and posted
/// again as the server releases them; transmit buffers are reclaimed from the used ring. The
/// device gets no offloads (no checksum, segmentation or merged buffers), so every frame it
/// writes is a plain Ethernet frame after a header; what it writes is checked: a used length
/// shorter than a header and an Ethernet header, or longer than the buffer, drops the frame;
/// a used ring that breaks the protocol marks the device <see cref="Broken"/>.
/// </summary>
public sealed partial class VirtioNetDevice : INetworkDevice
{
    /// <summary>Feature bits the driver understands (virtio 1.0, 5.1.3).</summary>
    public const int FeatureMac = 5, FeatureStatus = 16;

    /// <summary>Bytes of each buffer: a header and the longest frame, rounded up.</summary>
    public const int BufferBytes = 2048;

    /// <summary>The virtio_net_hdr with VERSION_1: flags, gso_type, hdr_len, gso_size,
    /// csum_start, csum_offset, num_buffers.</summary>
    public const int HeaderBytes = 12;

    private const ushort LinkUpBit = 1;

    private readonly VirtioPciTransport _transport;
    private readonly DmaRegion _dma;
    private readonly SplitVirtqueue _rx;
    private readonly SplitVirtqueue _tx;
    private readonly int _rxBuffers;
    private readonly int _txBuffers;
    private readonly int[] _rxBufferOfHead;
    private readonly int[] _txBufferOfHead;
    private readonly int[] _txFree;
    private readonly byte[] _mac;
    private readonly VirtqSegment[] _segment = new VirtqSegment[1];
    private int _txFreeCount;
    private int _rxPeeked = -1;
    private int _rxPeekedLength;
    private int _txReserved = -1;
    private int _txReservedLength;
    private bool _rxPosted;
    private bool _txQueued;

    /// <summary>Features both sides agreed on.</summary>
    public ulong Features { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<byte> MacAddress => _mac;

    /// <inheritdoc/>
    public bool LinkUp { get; private set; }

    /// <inheritdoc/>
    public bool Broken { get; private set; }

    /// <inheritdoc/>
    public NicCounters Counters { get; } = new();

    /// <summary>The receive queue (diagnostics and tests).</summary>
    public SplitVirtqueue ReceiveQueue => _rx;

    /// <summary>The transmit queue (diagnostics and tests).</summary>
    public SplitVirtqueue TransmitQueue => _tx;

    /// <summary>Offset of the first buffer: after both queues, 64-byte aligned.</summary>
    public static int BuffersOffset(ushort queueSize) => (TxQueueOffset(queueSize) + SplitVirtqueue.RequiredBytes(queueSize) + 63) & ~63;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> PeekReceived()
    {
        if (_rxPeeked >= 0)
        {
            return _dma.Span.Slice(RxBuffer(_rxPeeked) + HeaderBytes, _rxPeekedLength);
        }

        // Bounded: each pass takes one entry off the used ring, which holds at most a queue.
        for (int i = 0; i < _rx.Size && !Broken; i++)
        {
            VirtioStatus status = _rx.TryPopUsed(out ushort head, out uint length);
            if (status == VirtioStatus.NothingUsed)
            {
                return default;
            }

            if (status != VirtioStatus.Ok)
            {
                Broken = true;
                return default;
            }

            int buffer = _rxBufferOfHead[head];
            if (length < HeaderBytes + NicCounters.MinFrameBytes || length > HeaderBytes + NicCounters.MaxFrameBytes)
            {
                Counters.ReceiveErrors++;
                Post(buffer);
                continue;
            }

            _rxPeeked = buffer;
            _rxPeekedLength = (int)length - HeaderBytes;
            Counters.FramesReceived++;
            Counters.BytesReceived += (ulong)_rxPeekedLength;
            return _dma.Span.Slice(RxBuffer(buffer) + HeaderBytes, _rxPeekedLength);
        }

        return default;
    }

    /// <inheritdoc/>
    public void ReleaseReceived()
    {
        if (_rxPeeked >= 0)
        {
            Post(_rxPeeked);
            _rxPeeked = -1;
        }
    }

    /// <inheritdoc/>
    public Span<byte> ReserveTransmit(int length)
    {
        if (Broken || length < NicCounters.MinFrameBytes || length > NicCounters.MaxFrameBytes)
        {
            return default;
        }

        Reclaim();
        if (_txReserved < 0)
        {
            if (_txFreeCount == 0)
            {
                Counters.TransmitRingFull++;
                return default;
            }

            _txReserved = _txFree[--_txFreeCount];
        }

        _txReservedLength = length;
        int at = TxBuffer(_txReserved);
        _dma.Span.Slice(at, HeaderBytes).Clear();
        return _dma.Span.Slice(at + HeaderBytes, length);
    }

    /// <inheritdoc/>
    public void SubmitTransmit()
    {
        if (_txReserved < 0 || Broken)
        {
            return;
        }

        _segment[0] = new VirtqSegment(_dma.PhysicalAddress(TxBuffer(_txReserved)), (uint)(HeaderBytes + _txReservedLength), false);
        if (_tx.Submit(_segment, out ushort head) != VirtioStatus.Ok)
        {
            // A buffer per descriptor: a free buffer means a free descriptor, unless the
            // queue broke.
            Broken = true;
            return;
        }

        _txBufferOfHead[head] = _txReserved;
        _txReserved = -1;
        _txQueued = true;
        Counters.FramesSent++;
        Counters.BytesSent += (ulong)_txReservedLength;
    }

    /// <inheritdoc/>
    public void Kick()
    {
        if (_rxPosted)
        {
            _rxPosted = false;
            _transport.Notify(_rx);
        }

        if (_txQueued)
        {
            _txQueued = false;
            _transport.Notify(_tx);
        }
    }

    /// <inheritdoc/>
    public bool Service()
    {
        Counters.Interrupts++;
        Reclaim();
        bool was = LinkUp;
        LinkUp = ReadLink();
        if (!_transport.Healthy)
        {
            Broken = true;
        }

        if (was == LinkUp)
        {
            return false;
        }

        Counters.LinkChanges++;
        return true;
    }

    /// <summary>Reads and thereby acknowledges the ISR status (INTx only).</summary>
    public byte AcknowledgeInterrupt() => _transport.ReadIsr();

    private static int TxQueueOffset(ushort queueSize) => (SplitVirtqueue.RequiredBytes(queueSize) + 15) & ~15;

    private int RxBuffer(int index) => BuffersOffset(_rx.Size) + (index * BufferBytes);

    private int TxBuffer(int index) => BuffersOffset(_rx.Size) + ((_rxBuffers + index) * BufferBytes);

    private void Post(int buffer)
    {
        _segment[0] = new VirtqSegment(_dma.PhysicalAddress(RxBuffer(buffer)), BufferBytes, true);
        if (_rx.Submit(_segment, out ushort head) != VirtioStatus.Ok)
        {
            Broken = true;
            return;
        }

        _rxBufferOfHead[head] = buffer;
        _rxPosted = true;
    }

    private void Reclaim()
    {
        for (int i = 0; i < _tx.Size && !Broken; i++)
        {
            VirtioStatus status = _tx.TryPopUsed(out ushort head, out _);
            if (status == VirtioStatus.NothingUsed)
            {
                return;
            }

            if (status != VirtioStatus.Ok)
            {
                Broken = true;
                return;
            }

            _txFree[_txFreeCount++] = _txBufferOfHead[head];
        }
    }

    private bool ReadLink() =>
        (Features & (1UL << FeatureStatus)) == 0 || (_transport.DeviceConfig.Read16(6) & LinkUpBit) != 0;
}
