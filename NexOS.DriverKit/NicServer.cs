using System.Buffers.Binary;
using NexOS.Abi;
using NexOS.Drivers.Network;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>
/// Serves the NIC protocol (NexOS.Abi.NicProtocol) for one network device: every network
/// driver runs this loop over its <see cref="INetworkDevice"/>. The device's interrupt is
/// bound to the server's thread, so one receive hears both the stack's requests and the
/// device; after an interrupt, frames waiting or a link change raise the stack's wake
/// notification. Requests are checked whole before the device is touched; frames move between
/// the grant and the device's DMA buffers through one buffer of the server's, one grant copy
/// per request. Without an interrupt the server looks at the device every
/// <see cref="PollNs"/>, and with one every <see cref="IdleNs"/> as well, so a lost interrupt
/// delays frames, never strands them.
/// </summary>
public sealed class NicServer
{
    /// <summary>How often a device without an interrupt is looked at.</summary>
    public const ulong PollNs = 1_000_000;

    /// <summary>How often a device with an interrupt is looked at anyway.</summary>
    public const ulong IdleNs = 100_000_000;

    /// <summary>The most bytes of frames one request moves.</summary>
    public const int MaxGrant = 64 * 1024;

    private readonly INetworkDevice _device;
    private readonly int _endpoint;
    private readonly int _wake;
    private readonly InterruptWaiter _waiter;
    private readonly byte[] _buffer = new byte[MaxGrant];

    /// <summary>Serves <paramref name="device"/> on the endpoint in <paramref name="endpoint"/>,
    /// raising <see cref="NicProtocol.WakeBit"/> on the notification in <paramref name="wake"/>
    /// (0: none) when frames arrive; <paramref name="waiter"/> is the device's interrupt.</summary>
    public NicServer(INetworkDevice device, int endpoint, int wake, InterruptWaiter waiter)
    {
        _device = device;
        _endpoint = endpoint;
        _wake = wake;
        _waiter = waiter;
    }

    /// <summary>Requests answered.</summary>
    public ulong Served { get; private set; }

    /// <summary>Serves until receiving fails; returns that status.</summary>
    public SyscallStatus Run()
    {
        bool bound = _waiter.Notification != 0 && Ipc.Bind(_waiter.Notification) == SyscallStatus.Ok;
        ulong timeout = bound ? IdleNs : PollNs;
        Look();
        while (true)
        {
            SyscallStatus status = Ipc.Receive(_endpoint, out Message request, out ulong badge, timeout);
            if (status == SyscallStatus.TimedOut || (status == SyscallStatus.Ok && badge == UserAbi.NotificationBadge))
            {
                if (status == SyscallStatus.Ok)
                {
                    _waiter.Acknowledge();
                }

                Look();
                continue;
            }

            if (status != SyscallStatus.Ok)
            {
                return status;
            }

            Message answer = Answer(in request);
            Served++;
            _ = Ipc.Reply(in answer);
        }
    }

    // After an interrupt or a timeout: reclaim, read the link, and wake the stack when it has
    // something to fetch.
    private void Look()
    {
        bool changed = _device.Service();
        if (_wake != 0 && (changed || !_device.PeekReceived().IsEmpty))
        {
            _ = Ipc.Signal(_wake, NicProtocol.WakeBit);
        }

        _device.Kick();
    }

    private Message Answer(in Message request)
    {
        int granted = Ipc.GrantedLength(in request);
        return (request.Label & ~UserAbi.GrantFlag) switch
        {
            NicProtocol.Info => Info(),
            NicProtocol.Transmit => Transmit(request.W0, granted),
            NicProtocol.Receive => Receive(granted),
            NicProtocol.Counters => new Message
            {
                W0 = _device.Counters.FramesReceived,
                W1 = _device.Counters.FramesSent,
                W2 = _device.Counters.ReceiveErrors,
                W3 = _device.Counters.TransmitRingFull,
            },
            _ => Fail(SyscallStatus.BadArgument),
        };
    }

    private Message Info()
    {
        ulong mac = 0;
        ReadOnlySpan<byte> address = _device.MacAddress;
        for (int i = 0; i < 6; i++)
        {
            mac |= (ulong)address[i] << (8 * i);
        }

        NicProtocol.Flags flags = (_device.LinkUp ? NicProtocol.Flags.LinkUp : 0) | (_device.Broken ? NicProtocol.Flags.Broken : 0);
        return new Message { W0 = mac, W1 = (ulong)flags, W2 = NicProtocol.MaxFrame };
    }

    // W0 records in a read grant, all checked before the first goes to the device.
    private Message Transmit(ulong frames, int granted)
    {
        if (frames == 0 || granted < NicProtocol.RecordBytes(NicProtocol.MinFrame) || granted > MaxGrant)
        {
            return Fail(SyscallStatus.BadArgument);
        }

        Span<byte> records = _buffer.AsSpan(0, granted);
        if (Ipc.ReadGrant(0, records) != SyscallStatus.Ok)
        {
            return Fail(SyscallStatus.BadAddress);
        }

        if (!RecordsValid(records, frames))
        {
            return Fail(SyscallStatus.BadArgument);
        }

        ulong queued = 0;
        int at = 0;
        for (ulong i = 0; i < frames; i++)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(records.Slice(at));
            Span<byte> buffer = _device.ReserveTransmit(length);
            if (buffer.IsEmpty)
            {
                break;
            }

            records.Slice(at + 2, length).CopyTo(buffer);
            _device.SubmitTransmit();
            queued++;
            at += NicProtocol.RecordBytes(length);
        }

        _device.Kick();
        return new Message { W0 = queued };
    }

    /// <summary>True when <paramref name="records"/> holds <paramref name="frames"/> records,
    /// each of a frame's length, all inside it.</summary>
    public static bool RecordsValid(ReadOnlySpan<byte> records, ulong frames)
    {
        int at = 0;
        for (ulong i = 0; i < frames; i++)
        {
            if (records.Length - at < 2)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(records.Slice(at));
            if (length < NicProtocol.MinFrame || length > NicProtocol.MaxFrame || records.Length - at - 2 < length)
            {
                return false;
            }

            at += NicProtocol.RecordBytes(length);
        }

        return true;
    }

    // As many waiting frames as fit in the write grant, as records.
    private Message Receive(int granted)
    {
        if (granted < NicProtocol.RecordBytes(NicProtocol.MaxFrame))
        {
            return Fail(SyscallStatus.BadArgument);
        }

        int capacity = Math.Min(granted, MaxGrant);
        int used = 0;
        ulong frames = 0;
        bool more = false;
        while (true)
        {
            ReadOnlySpan<byte> frame = _device.PeekReceived();
            if (frame.IsEmpty)
            {
                break;
            }

            if (capacity - used < NicProtocol.RecordBytes(frame.Length))
            {
                more = true;
                break;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(used), (ushort)frame.Length);
            frame.CopyTo(_buffer.AsSpan(used + 2));
            if ((frame.Length & 1) != 0)
            {
                _buffer[used + 2 + frame.Length] = 0;
            }

            used += NicProtocol.RecordBytes(frame.Length);
            frames++;
            _device.ReleaseReceived();
        }

        _device.Kick();
        if (used > 0 && Ipc.WriteGrant(0, _buffer.AsSpan(0, used)) != SyscallStatus.Ok)
        {
            // The frames are lost (the caller's buffer went away); the buffers are back.
            return Fail(SyscallStatus.BadAddress);
        }

        return new Message { W0 = frames, W1 = (ulong)used, W2 = more ? 1UL : 0 };
    }

    private static Message Fail(SyscallStatus status) => new() { Label = (ulong)status };
}
