using System.Buffers.Binary;
using NexOS.Abi;
using NexOS.Net;
using NexOS.UserLib;

namespace NexOS.Programs.Net;

/// <summary>
/// The service's side of the NIC protocol (NexOS.Abi.NicProtocol): frames the stack sends are
/// gathered as records and go to the driver in one call per burst (<see cref="Flush"/>);
/// frames that arrived are fetched in as few calls as the grant allows (<see cref="Pump"/>).
/// A call that fails means the driver is gone: <see cref="Lost"/> is set, and the service
/// looks for the driver again.
/// </summary>
internal sealed class NicLink : IFrameSink
{
    /// <summary>Bytes of one grant of frames (the NIC server's limit).</summary>
    public const int GrantBytes = 64 * 1024;

    private const int MaxPumps = 64;

    private readonly int _slot;
    private readonly byte[] _tx = new byte[GrantBytes];
    private readonly byte[] _rx = new byte[GrantBytes];
    private int _txUsed;
    private ulong _txFrames;

    private NicLink(int slot, MacAddress mac, bool linkUp)
    {
        _slot = slot;
        Mac = mac;
        LinkUp = linkUp;
    }

    public MacAddress Mac { get; }

    public bool LinkUp { get; private set; }

    /// <summary>True once a call to the driver failed.</summary>
    public bool Lost { get; private set; }

    /// <summary>Frames the driver's ring refused (the stack's own retries cover them).</summary>
    public ulong TransmitDropped { get; private set; }

    /// <summary>Asks the driver in <paramref name="slot"/> for its address; null when it fails.</summary>
    public static NicLink? Open(int slot, out SyscallStatus status)
    {
        var info = new Message { Label = NicProtocol.Info };
        status = Ipc.Call(slot, ref info);
        if (status == SyscallStatus.Ok && info.Label != 0)
        {
            status = (SyscallStatus)info.Label;
        }

        return status == SyscallStatus.Ok
            ? new NicLink(slot, new MacAddress(Reverse(info.W0)), (info.W1 & (ulong)NicProtocol.Flags.LinkUp) != 0)
            : null;
    }

    /// <summary>Talks to the driver again after it came back: asks for its link state.</summary>
    public SyscallStatus Reopen()
    {
        var info = new Message { Label = NicProtocol.Info };
        SyscallStatus status = Ipc.Call(_slot, ref info);
        if (status == SyscallStatus.Ok && info.Label == 0)
        {
            Lost = false;
            LinkUp = (info.W1 & (ulong)NicProtocol.Flags.LinkUp) != 0;
            _txUsed = 0;
            _txFrames = 0;
        }

        return status == SyscallStatus.Ok ? (SyscallStatus)info.Label : status;
    }

    /// <inheritdoc/>
    public void Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < NicProtocol.MinFrame || frame.Length > NicProtocol.MaxFrame || Lost)
        {
            return;
        }

        if (_tx.Length - _txUsed < NicProtocol.RecordBytes(frame.Length))
        {
            Flush();
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_tx.AsSpan(_txUsed), (ushort)frame.Length);
        frame.CopyTo(_tx.AsSpan(_txUsed + 2));
        _txUsed += NicProtocol.RecordBytes(frame.Length);
        _txFrames++;
    }

    /// <summary>Hands the gathered frames to the driver.</summary>
    public void Flush()
    {
        if (_txFrames == 0 || Lost)
        {
            return;
        }

        var request = new Message { Label = NicProtocol.Transmit, W0 = _txFrames };
        SyscallStatus status = Ipc.CallGranting(_slot, ref request, _tx.AsSpan(0, _txUsed), GrantAccess.Read);
        if (status != SyscallStatus.Ok)
        {
            Fail(status);
        }
        else
        {
            TransmitDropped += _txFrames - Math.Min(_txFrames, request.W0);
        }

        _txUsed = 0;
        _txFrames = 0;
    }

    /// <summary>Fetches the frames that arrived and gives each to <paramref name="stack"/>;
    /// with none waiting (the driver woke the service for its link) reads the link again.</summary>
    public void Pump(NetStack stack)
    {
        for (int i = 0; i < MaxPumps && !Lost; i++)
        {
            var request = new Message { Label = NicProtocol.Receive };
            SyscallStatus status = Ipc.CallGranting(_slot, ref request, _rx, GrantAccess.Write);
            if (status != SyscallStatus.Ok || request.Label != 0)
            {
                Fail(status != SyscallStatus.Ok ? status : (SyscallStatus)request.Label);
                return;
            }

            if (request.W0 == 0 && i == 0)
            {
                RefreshLink();
            }

            Deliver(stack, (int)Math.Min(request.W1, (ulong)_rx.Length), Time.MonotonicNs);
            if (request.W2 == 0)
            {
                return;
            }
        }
    }

    /// <summary>The driver's counters (W0-W3 of NicProtocol.Counters), zeros when it fails.</summary>
    public Message Counters()
    {
        var request = new Message { Label = NicProtocol.Counters };
        return Lost || Ipc.Call(_slot, ref request) != SyscallStatus.Ok ? default : request;
    }

    private void Deliver(NetStack stack, int used, ulong now)
    {
        int at = 0;
        while (used - at >= 2)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(_rx.AsSpan(at));
            if (length > used - at - 2)
            {
                return;
            }

            stack.Receive(_rx.AsSpan(at + 2, length), now);
            at += NicProtocol.RecordBytes(length);
        }
    }

    private void RefreshLink()
    {
        var info = new Message { Label = NicProtocol.Info };
        if (Ipc.Call(_slot, ref info) == SyscallStatus.Ok)
        {
            LinkUp = (info.W1 & (ulong)NicProtocol.Flags.LinkUp) != 0;
        }
    }

    private void Fail(SyscallStatus status)
    {
        if (!Lost)
        {
            Log.WriteLine($"net: the network driver stopped answering (status {(int)status}); waiting for it to come back");
        }

        Lost = true;
    }

    // The protocol puts byte i of the MAC in bits 8i..8i+7; MacAddress keeps the first byte
    // in bits 40-47, as the address is written.
    private static ulong Reverse(ulong wire)
    {
        ulong value = 0;
        for (int i = 0; i < 6; i++)
        {
            value = (value << 8) | ((wire >> (8 * i)) & 0xFF);
        }

        return value;
    }
}
