using NexOS.Drivers.Hardware;
using NexOS.Storage;

namespace NexOS.Drivers.Virtio;

/// <summary>
/// The virtio-blk driver over a modern PCI transport: one request queue, a fixed set of
/// request slots in the DMA region (header, bounce buffer, status byte each), an asynchronous
/// API (<see cref="SubmitRead"/>, <see cref="SubmitWrite"/>, <see cref="SubmitFlush"/>, then
/// <see cref="Kick"/>, <see cref="TryComplete"/> and <see cref="Release"/>) for queue depths
/// above one, and the synchronous <see cref="IBlockDevice"/> on top that waits through an
/// <see cref="IWaiter"/>. What the device returns is checked (used ring, lengths, status
/// byte); a device that breaks the protocol or hangs is reset and every outstanding request
/// fails with IoError, so callers never wait for ever.
/// </summary>
public sealed partial class VirtioBlkDevice : IBlockDevice
{
    /// <summary>Feature bits the driver understands (virtio 1.0, 5.2.3).</summary>
    public const int FeatureSizeMax = 1, FeatureSegMax = 2, FeatureReadOnly = 5, FeatureBlkSize = 6, FeatureFlush = 9;

    /// <summary>The bytes of a virtio sector, whatever the block size.</summary>
    public const int SectorSize = 512;

    /// <summary>Length of the device ID string GET_ID returns.</summary>
    public const int IdBytes = 20;

    private const uint TypeIn = 0, TypeOut = 1, TypeFlush = 4, TypeGetId = 8;
    private const byte StatusOk = 0, StatusIoErr = 1, StatusUnsupported = 2, StatusUnset = 0xFF;
    private const int HeaderBytes = 16;
    private const int DataOffset = 64;

    private readonly VirtioPciTransport _transport;
    private readonly DmaRegion _dma;
    private readonly SplitVirtqueue _queue;
    private readonly IWaiter _waiter;
    private readonly int _waitLimit;
    private readonly int _slotsOffset;
    private readonly int _stride;
    private readonly SlotState[] _state;
    private readonly int[] _tag;
    private readonly uint[] _type;
    private readonly int[] _bytes;
    private readonly int[] _slotOfHead;
    private readonly VirtqSegment[] _segments = new VirtqSegment[3];

    private enum SlotState : byte
    {
        Free,
        InFlight,
        Done,
    }

    /// <summary>Features both sides agreed on.</summary>
    public ulong Features { get; }

    /// <inheritdoc/>
    public int BlockSize { get; }

    /// <inheritdoc/>
    public ulong BlockCount { get; }

    /// <inheritdoc/>
    public bool ReadOnly => (Features & (1UL << FeatureReadOnly)) != 0;

    /// <summary>True when the device offered and accepted VIRTIO_BLK_F_FLUSH: writes may sit
    /// in a volatile cache until a flush. Without it the device writes through.</summary>
    public bool SupportsFlush => (Features & (1UL << FeatureFlush)) != 0;

    /// <summary>The device's seg_max (0 when not offered); the driver uses one data segment.</summary>
    public uint SegMax { get; }

    /// <summary>Largest data bytes of one request (the slot size, or size_max when smaller).</summary>
    public int MaxTransferBytes { get; }

    /// <summary>Request slots (queue depth).</summary>
    public int Slots => _state.Length;

    /// <summary>Requests submitted and not yet completed.</summary>
    public int InFlight { get; private set; }

    /// <summary>True once the device broke the protocol or hung; every request then fails.</summary>
    public bool Broken { get; private set; }

    /// <summary>The request queue (diagnostics and tests).</summary>
    public SplitVirtqueue Queue => _queue;

    /// <summary>Offset of the first request slot: after the queue, 64-byte aligned.</summary>
    public static int SlotsOffset(ushort queueSize) => (SplitVirtqueue.RequiredBytes(queueSize) + 63) & ~63;

    /// <summary>Bytes per slot: header and status, then the data.</summary>
    public static int SlotStride(int slotDataBytes) => DataOffset + ((slotDataBytes + 63) & ~63);

    /// <summary>Reads and thereby acknowledges the ISR status (INTx): bit 0 means the queue
    /// has used entries, bit 1 a configuration change. Call <see cref="TryComplete"/> after.</summary>
    public byte AcknowledgeInterrupt() => _transport.ReadIsr();

    /// <summary>Tells the device about everything submitted since the last kick.</summary>
    public void Kick() => _transport.Notify(_queue);

    private int SlotBase(int slot) => _slotsOffset + (slot * _stride);
}
