using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NexOS.Abi;

namespace NexOS.UserLib;

/// <summary>
/// A TCP socket of the network service (NexOS.Abi.NetProtocol), reached through the `net`
/// endpoint capability in slot <see cref="Net"/>: a listener (<see cref="Listen"/>, then
/// <see cref="Accept"/>) or a connection (<see cref="Connect"/>, or one accepted). Calls block
/// in the service until they can be answered or their timeout (milliseconds; 0: no limit)
/// passes; failures come back as a <see cref="NetProtocol.Status"/>. Dispose closes it.
/// </summary>
public sealed class TcpSocket : IDisposable
{
    private TcpSocket(int net, ulong id)
    {
        Net = net;
        Id = id;
    }

    /// <summary>The slot of the `net` endpoint capability the socket is reached through.</summary>
    public int Net { get; }

    /// <summary>The service's number for the socket.</summary>
    public ulong Id { get; }

    /// <summary>Listens on <paramref name="port"/>.</summary>
    public static TcpSocket? Listen(int net, ushort port, int backlog, out NetProtocol.Status status)
    {
        var m = new Message { Label = NetProtocol.Listen, W0 = port, W1 = (ulong)backlog };
        status = NetCalls.Call(net, ref m);
        return status == NetProtocol.Status.Ok ? new TcpSocket(net, m.W0) : null;
    }

    /// <summary>Connects to <paramref name="address"/> (most significant byte first) and
    /// <paramref name="port"/>; returns once the connection is open.</summary>
    public static TcpSocket? Connect(int net, uint address, ushort port, ulong timeoutMs, out NetProtocol.Status status)
    {
        var m = new Message { Label = NetProtocol.Connect, W0 = address, W1 = port, W2 = timeoutMs };
        status = NetCalls.Call(net, ref m);
        return status == NetProtocol.Status.Ok ? new TcpSocket(net, m.W0) : null;
    }

    /// <summary>The next connection to this listener, with the peer's address and port.</summary>
    public TcpSocket? Accept(ulong timeoutMs, out NetProtocol.Status status, out uint address, out ushort port)
    {
        var m = new Message { Label = NetProtocol.Accept, W0 = Id, W1 = timeoutMs };
        status = NetCalls.Call(Net, ref m);
        address = status == NetProtocol.Status.Ok ? (uint)m.W1 : 0;
        port = status == NetProtocol.Status.Ok ? (ushort)m.W2 : (ushort)0;
        return status == NetProtocol.Status.Ok ? new TcpSocket(Net, m.W0) : null;
    }

    /// <summary>Sends some of <paramref name="data"/> (at least a byte); returns how much was
    /// taken, or a negated status.</summary>
    public long Send(ReadOnlySpan<byte> data, ulong timeoutMs = 0)
    {
        var m = new Message { Label = NetProtocol.Send, W0 = Id, W1 = timeoutMs };
        Span<byte> view = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(data), (int)Math.Min(data.Length, UserAbi.MaxGrantLength));
        NetProtocol.Status status = NetCalls.CallGranting(Net, ref m, view, GrantAccess.Read);
        return status == NetProtocol.Status.Ok ? (long)m.W0 : -(long)status;
    }

    /// <summary>Sends all of <paramref name="data"/>; Ok, or the status that stopped it.</summary>
    public NetProtocol.Status SendAll(ReadOnlySpan<byte> data, ulong timeoutMs = 0)
    {
        while (!data.IsEmpty)
        {
            long n = Send(data, timeoutMs);
            if (n <= 0)
            {
                return n == 0 ? NetProtocol.Status.NotConnected : (NetProtocol.Status)(-n);
            }

            data = data[(int)n..];
        }

        return NetProtocol.Status.Ok;
    }

    /// <summary>Receives into <paramref name="buffer"/>: the bytes (0 when the peer closed its
    /// side), or a negated status.</summary>
    public long Receive(Span<byte> buffer, ulong timeoutMs = 0)
    {
        var m = new Message { Label = NetProtocol.Receive, W0 = Id, W1 = timeoutMs };
        NetProtocol.Status status = NetCalls.CallGranting(Net, ref m, buffer[..(int)Math.Min(buffer.Length, UserAbi.MaxGrantLength)], GrantAccess.Write);
        return status == NetProtocol.Status.Ok ? (long)m.W0 : -(long)status;
    }

    /// <summary>Closes the socket (a connection's FIN follows what was sent).</summary>
    public void Dispose()
    {
        var m = new Message { Label = NetProtocol.Close, W0 = Id };
        _ = NetCalls.Call(Net, ref m);
    }
}

/// <summary>A UDP socket of the network service (see <see cref="TcpSocket"/>).</summary>
public sealed class UdpSocket : IDisposable
{
    private UdpSocket(int net, ulong id, ushort port)
    {
        Net = net;
        Id = id;
        Port = port;
    }

    public int Net { get; }

    public ulong Id { get; }

    /// <summary>The local port.</summary>
    public ushort Port { get; }

    /// <summary>Opens a socket on <paramref name="port"/> (0: any free port).</summary>
    public static UdpSocket? Open(int net, ushort port, out NetProtocol.Status status)
    {
        var m = new Message { Label = NetProtocol.UdpOpen, W0 = port };
        status = NetCalls.Call(net, ref m);
        return status == NetProtocol.Status.Ok ? new UdpSocket(net, m.W0, (ushort)m.W1) : null;
    }

    /// <summary>Sends one datagram (at most <see cref="NetProtocol.MaxDatagram"/> bytes).</summary>
    public NetProtocol.Status SendTo(uint address, ushort port, ReadOnlySpan<byte> data)
    {
        var m = new Message { Label = NetProtocol.UdpSend, W0 = Id, W1 = address, W2 = port };
        Span<byte> view = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(data), data.Length);
        return NetCalls.CallGranting(Net, ref m, view, GrantAccess.Read);
    }

    /// <summary>Receives one datagram: its bytes (cut to the buffer), or a negated status.</summary>
    public long ReceiveFrom(Span<byte> buffer, ulong timeoutMs, out uint address, out ushort port)
    {
        var m = new Message { Label = NetProtocol.UdpReceive, W0 = Id, W1 = timeoutMs };
        NetProtocol.Status status = NetCalls.CallGranting(Net, ref m, buffer, GrantAccess.Write);
        address = (uint)m.W1;
        port = (ushort)m.W2;
        return status == NetProtocol.Status.Ok ? (long)m.W0 : -(long)status;
    }

    public void Dispose()
    {
        var m = new Message { Label = NetProtocol.Close, W0 = Id };
        _ = NetCalls.Call(Net, ref m);
    }
}

/// <summary>Waiting on several sockets at once, and the calls' plumbing.</summary>
public static class NetCalls
{
    /// <summary>Waits until one of <paramref name="sockets"/> is ready for what
    /// <paramref name="interests"/> says (NetProtocol.PollReadable, PollWritable) or the
    /// timeout passes; returns the mask of ready entries (0: timed out), or a negated status.</summary>
    public static long Poll(int net, ReadOnlySpan<ulong> sockets, ReadOnlySpan<uint> interests, ulong timeoutMs)
    {
        int n = Math.Min(sockets.Length, NetProtocol.MaxPoll);
        Span<byte> entries = stackalloc byte[NetProtocol.MaxPoll * 8];
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(entries[(i * 8)..], (uint)sockets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(entries[((i * 8) + 4)..], interests[i]);
        }

        var m = new Message { Label = NetProtocol.Poll, W0 = (ulong)n, W1 = timeoutMs };
        NetProtocol.Status status = CallGranting(net, ref m, entries[..(n * 8)], GrantAccess.Read);
        return status == NetProtocol.Status.Ok ? (long)m.W0 : -(long)status;
    }

    /// <summary>A call without data; the service's status (a failed call as NotConnected).</summary>
    public static NetProtocol.Status Call(int net, ref Message m)
    {
        SyscallStatus status = Ipc.Call(net, ref m);
        return status != SyscallStatus.Ok ? NetProtocol.Status.NotConnected : (NetProtocol.Status)m.Label;
    }

    /// <summary>A call granting <paramref name="buffer"/>.</summary>
    public static NetProtocol.Status CallGranting(int net, ref Message m, Span<byte> buffer, GrantAccess access)
    {
        SyscallStatus status = buffer.IsEmpty ? Ipc.Call(net, ref m) : Ipc.CallGranting(net, ref m, buffer, access);
        return status != SyscallStatus.Ok ? NetProtocol.Status.NotConnected : (NetProtocol.Status)m.Label;
    }
}
