namespace NexOS.Core.Processes;

/// <summary>Why a message interrupt vector was or was not given.</summary>
public enum MessageVectorStatus
{
    Ok = 0,

    /// <summary>The entry index is outside 0..<see cref="MessageVectors.EntriesPerDevice"/>-1.</summary>
    BadIndex,

    /// <summary>Every vector of the pool is taken.</summary>
    Exhausted,
}

/// <summary>
/// The CPU vectors handed out for message signalled interrupts (MSI and MSI-X). A driver asks
/// for entry <c>index</c> of the device its MMIO capability names (the device is known by the
/// physical address of that window); the first request takes a free vector of the pool, and
/// every later request for the same device and entry gets the same vector again. So a driver
/// that is restarted, or asks twice, never uses up the pool; a device holds at most
/// <see cref="EntriesPerDevice"/> vectors per window, and the pool is shared first come, first
/// served. Vectors are never given back: a device keeps its vectors for the whole boot, which
/// is what keeps a stale message from a device whose driver died from reaching another
/// device's driver. The kernel's interrupt layer owns the vectors; this is only the
/// bookkeeping, which does not allocate after construction.
/// </summary>
public sealed class MessageVectors
{
    /// <summary>Entries one device window may have vectors for (MSI-X tables may list up to
    /// 2048; a driver uses a few: one per queue and one for configuration changes).</summary>
    public const int EntriesPerDevice = 8;

    private readonly int _first;
    private readonly ulong[] _device;
    private readonly int[] _entry;
    private int _used;

    /// <summary>A pool of <paramref name="count"/> vectors starting at
    /// <paramref name="firstVector"/>.</summary>
    public MessageVectors(int firstVector, int count)
    {
        _first = firstVector;
        _device = new ulong[Math.Max(0, count)];
        _entry = new int[_device.Length];
    }

    /// <summary>The first vector of the pool.</summary>
    public int First => _first;

    /// <summary>Vectors in the pool.</summary>
    public int Capacity => _device.Length;

    /// <summary>Vectors given so far.</summary>
    public int Used => _used;

    /// <summary>The vector for entry <paramref name="index"/> of <paramref name="device"/>:
    /// the one it already has, or the next free one. BadIndex for an index out of range,
    /// Exhausted when the pool is empty; <paramref name="vector"/> is 0 then.</summary>
    public MessageVectorStatus Claim(ulong device, int index, out int vector)
    {
        vector = 0;
        if ((uint)index >= EntriesPerDevice)
        {
            return MessageVectorStatus.BadIndex;
        }

        for (int i = 0; i < _used; i++)
        {
            if (_device[i] == device && _entry[i] == index)
            {
                vector = _first + i;
                return MessageVectorStatus.Ok;
            }
        }

        if (_used == _device.Length)
        {
            return MessageVectorStatus.Exhausted;
        }

        _device[_used] = device;
        _entry[_used] = index;
        vector = _first + _used;
        _used++;
        return MessageVectorStatus.Ok;
    }

    /// <summary>The device and entry <paramref name="vector"/> was given to; false when it
    /// is outside the pool or not given.</summary>
    public bool Owner(int vector, out ulong device, out int index)
    {
        int i = vector - _first;
        bool given = i >= 0 && i < _used;
        device = given ? _device[i] : 0;
        index = given ? _entry[i] : 0;
        return given;
    }
}
