using System.Text;
using NexOS.Abi;
using NexOS.Net;
using NexOS.UserLib;

namespace NexOS.Programs.Net;

/// <summary>The socket calls of NexOS.Abi.NetProtocol over the <see cref="SocketTable"/>. A
/// call that can be answered at once is; one that must wait saves its reply, and
/// <see cref="ServeReady"/> answers it when the table says its socket is ready.</summary>
public static partial class Program
{
    private const int CopyBytes = 64 * 1024;

    private static readonly byte[] s_copy = new byte[CopyBytes];
    private static readonly Dictionary<int, int> s_waitGrants = new();
    private static readonly List<SocketReady> s_ready = new();
    private static SocketTable? s_sockets;
    private static readonly List<PollWait> s_polls = new();

    private const int MaxPolls = 32;

    private sealed record PollWait(int Token, ulong Owner, uint[] Ids, uint[] Interests, ulong Deadline);

    private static Message SocketCall(ulong label, in Message r, ulong owner, int granted, ulong now, out bool saved)
    {
        saved = false;
        SocketTable table = s_sockets!;
        bool named = label is not (NetProtocol.Listen or NetProtocol.Connect or NetProtocol.UdpOpen or NetProtocol.Forget or NetProtocol.Sockets or NetProtocol.Poll);
        NetSocket? s = named ? table.Get(owner, r.W0) : null;
        if (s == null && named)
        {
            return Fail(NetProtocol.Status.NotConnected);
        }

        switch (label)
        {
            case NetProtocol.Listen:
                if (r.W0 == 0 || r.W0 > ushort.MaxValue || r.W1 == 0 || r.W1 > TcpLayer.MaxBacklog)
                {
                    return Fail(NetProtocol.Status.BadArgument);
                }

                NetSocket? listening = table.Listen(owner, (ushort)r.W0, (int)r.W1, out NetStatus listened);
                return listening == null ? Fail((NetProtocol.Status)listened) : new Message { W0 = (ulong)listening.Id };
            case NetProtocol.Connect:
                if (r.W0 > uint.MaxValue || r.W1 == 0 || r.W1 > ushort.MaxValue || r.W2 > NetProtocol.MaxWaitMs)
                {
                    return Fail(NetProtocol.Status.BadArgument);
                }

                NetSocket? connecting = table.Connect(owner, new Ipv4Address((uint)r.W0), (ushort)r.W1, now, out NetStatus connected);
                return connecting == null ? Fail((NetProtocol.Status)connected) : Park(SocketWaitKind.Connect, connecting, r.W2, 0, now, out saved);
            case NetProtocol.Accept:
                return r.W1 > NetProtocol.MaxWaitMs ? Fail(NetProtocol.Status.BadArgument) : Park(SocketWaitKind.Accept, s!, r.W1, 0, now, out saved);
            case NetProtocol.Send:
                return granted == 0 || r.W1 > NetProtocol.MaxWaitMs ? Fail(NetProtocol.Status.BadArgument) : Park(SocketWaitKind.Send, s!, r.W1, granted, now, out saved);
            case NetProtocol.Receive:
                return granted == 0 || r.W1 > NetProtocol.MaxWaitMs ? Fail(NetProtocol.Status.BadArgument) : Park(SocketWaitKind.Receive, s!, r.W1, granted, now, out saved);
            case NetProtocol.UdpReceive:
                return granted == 0 || r.W1 > NetProtocol.MaxWaitMs ? Fail(NetProtocol.Status.BadArgument) : Park(SocketWaitKind.ReceiveFrom, s!, r.W1, granted, now, out saved);
            case NetProtocol.Close:
                table.Close(s!, now);
                return new Message();
            case NetProtocol.UdpOpen:
                if (r.W0 > ushort.MaxValue)
                {
                    return Fail(NetProtocol.Status.BadArgument);
                }

                NetSocket? udp = table.OpenUdp(owner, (ushort)r.W0, out NetStatus opened);
                return udp == null ? Fail((NetProtocol.Status)opened) : new Message { W0 = (ulong)udp.Id, W1 = udp.UdpPort };
            case NetProtocol.UdpSend:
                return UdpSend(s!, r.W1, r.W2, granted);
            case NetProtocol.Poll:
                return Poll(in r, owner, granted, now, out saved);
            case NetProtocol.Forget:
                return owner != 0 ? Fail(NetProtocol.Status.BadArgument) : new Message { W0 = (ulong)table.Forget(r.W0, now) };
            default:
                return Listing(granted);
        }
    }

    // Answers at once when the socket is ready (or never will be); otherwise saves the reply
    // and waits.
    private static Message Park(SocketWaitKind kind, NetSocket s, ulong timeoutMs, int granted, ulong now, out bool saved)
    {
        saved = false;
        NetStatus readiness = SocketTable.Readiness(kind, s);
        if (readiness != NetStatus.Busy)
        {
            return Perform(kind, s, readiness, granted, 0);
        }

        if (!Save(out saved, out int slot))
        {
            return Fail(NetProtocol.Status.Busy);
        }

        NetStatus waiting = s_sockets!.Wait(slot, kind, s, timeoutMs == 0 ? 0 : now + (timeoutMs * Ms));
        if (waiting != NetStatus.Ok)
        {
            _ = Ipc.ReplySaved(slot, Fail((NetProtocol.Status)waiting));
        }
        else if (granted > 0)
        {
            s_waitGrants[slot] = granted;
        }

        return default;
    }

    private static Message Poll(in Message r, ulong owner, int granted, ulong now, out bool saved)
    {
        saved = false;
        if (r.W0 == 0 || r.W0 > NetProtocol.MaxPoll || granted < (int)r.W0 * 8 || r.W1 > NetProtocol.MaxWaitMs)
        {
            return Fail(NetProtocol.Status.BadArgument);
        }

        int n = (int)r.W0;
        Span<byte> entries = stackalloc byte[n * 8];
        if (Ipc.ReadGrant(0, entries) != SyscallStatus.Ok)
        {
            return Fail(NetProtocol.Status.BadArgument);
        }

        var wait = new PollWait(0, owner, new uint[n], new uint[n], r.W1 == 0 ? 0 : now + (r.W1 * Ms));
        for (int i = 0; i < n; i++)
        {
            wait.Ids[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(entries[(i * 8)..]);
            wait.Interests[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(entries[((i * 8) + 4)..]);
        }

        ulong mask = PollMask(wait);
        if (mask != 0)
        {
            return new Message { W0 = mask };
        }

        if (s_polls.Count >= MaxPolls || !Save(out saved, out int slot))
        {
            return Fail(NetProtocol.Status.Busy);
        }

        s_polls.Add(wait with { Token = slot });
        return default;
    }

    private static ulong PollMask(PollWait wait)
    {
        ulong mask = 0;
        for (int i = 0; i < wait.Ids.Length; i++)
        {
            NetSocket? s = s_sockets!.Get(wait.Owner, wait.Ids[i]);
            mask |= s == null || SocketTable.PollReady(s, wait.Interests[i]) ? 1UL << i : 0;
        }

        return mask;
    }

    /// <summary>Answers the waits whose sockets are ready or whose time is up.</summary>
    private static void ServeReady(ulong now)
    {
        if (s_sockets == null)
        {
            return;
        }

        for (int i = 0; i < s_polls.Count; i++)
        {
            PollWait wait = s_polls[i];
            ulong mask = PollMask(wait);
            if (mask != 0 || (wait.Deadline != 0 && now >= wait.Deadline))
            {
                _ = Ipc.ReplySaved(wait.Token, new Message { W0 = mask });
                s_polls.RemoveAt(i--);
            }
        }

        s_ready.Clear();
        s_sockets.Poll(now, s_ready);
        foreach (SocketReady ready in s_ready)
        {
            _ = s_waitGrants.Remove(ready.Token, out int granted);
            NetSocket? s = s_sockets.Get(ready.Owner, (ulong)ready.Socket);
            Message answer = s == null ? Fail(NetProtocol.Status.NotConnected) : Perform(ready.Kind, s, ready.Status, granted, ready.Token);
            _ = Ipc.ReplySaved(ready.Token, in answer);
        }
    }

    // Does what the call asked once its socket is ready; `saved` is the slot of a saved call
    // (0: the call being served), whose grant the data moves through.
    private static Message Perform(SocketWaitKind kind, NetSocket s, NetStatus readiness, int granted, int saved)
    {
        if (readiness != NetStatus.Ok)
        {
            if (kind == SocketWaitKind.Connect)
            {
                s_sockets!.Close(s, Time.MonotonicNs);
            }

            return Fail((NetProtocol.Status)readiness);
        }

        ulong now = Time.MonotonicNs;
        switch (kind)
        {
            case SocketWaitKind.Accept:
                NetSocket? accepted = s_sockets!.Accept(s, out NetStatus status);
                return accepted == null ? Fail((NetProtocol.Status)status)
                    : new Message { W0 = (ulong)accepted.Id, W1 = accepted.Connection!.RemoteAddress.Value, W2 = accepted.Connection.RemotePort };
            case SocketWaitKind.Connect:
                return new Message { W0 = (ulong)s.Id };
            case SocketWaitKind.Send:
                int n = Math.Min(Math.Min(granted, CopyBytes), s.Connection!.Writable);
                SyscallStatus read = saved == 0 ? Ipc.ReadGrant(0, s_copy.AsSpan(0, n)) : Ipc.ReadSavedGrant(saved, 0, s_copy.AsSpan(0, n));
                return read != SyscallStatus.Ok ? Fail(NetProtocol.Status.BadArgument) : new Message { W0 = (ulong)s.Connection.Write(s_copy.AsSpan(0, n), now) };
            case SocketWaitKind.Receive:
                int got = s.Connection!.Read(s_copy.AsSpan(0, Math.Min(granted, CopyBytes)), now);
                SyscallStatus wrote = got == 0 ? SyscallStatus.Ok : saved == 0 ? Ipc.WriteGrant(0, s_copy.AsSpan(0, got)) : Ipc.WriteSavedGrant(saved, 0, s_copy.AsSpan(0, got));
                return wrote != SyscallStatus.Ok ? Fail(NetProtocol.Status.BadArgument) : new Message { W0 = (ulong)got };
            default:
                _ = s.TryTakeDatagram(out Ipv4Address from, out ushort port, out byte[] data);
                int length = Math.Min(granted, data.Length);
                SyscallStatus put = length == 0 ? SyscallStatus.Ok : saved == 0 ? Ipc.WriteGrant(0, data.AsSpan(0, length)) : Ipc.WriteSavedGrant(saved, 0, data.AsSpan(0, length));
                return put != SyscallStatus.Ok ? Fail(NetProtocol.Status.BadArgument) : new Message { W0 = (ulong)length, W1 = from.Value, W2 = port };
        }
    }

    private static Message UdpSend(NetSocket s, ulong address, ulong port, int granted)
    {
        if (s.Kind != SocketKind.Udp || address > uint.MaxValue || port == 0 || port > ushort.MaxValue || granted == 0 || granted > NetProtocol.MaxDatagram)
        {
            return Fail(NetProtocol.Status.BadArgument);
        }

        if (Ipc.ReadGrant(0, s_copy.AsSpan(0, granted)) != SyscallStatus.Ok)
        {
            return Fail(NetProtocol.Status.BadArgument);
        }

        if (s_stack!.Interface.Address == Ipv4Address.Any)
        {
            return Fail(NetProtocol.Status.NotConfigured);
        }

        return s_stack.SendUdp(new Ipv4Address((uint)address), s.UdpPort, (ushort)port, s_copy.AsSpan(0, granted))
            ? new Message { W0 = (ulong)granted }
            : Fail(NetProtocol.Status.Unreachable);
    }

    // One line per socket, then per connection the layer holds (netstat).
    private static Message Listing(int granted)
    {
        var text = new StringBuilder();
        foreach (NetSocket s in s_sockets!.All)
        {
            text.Append($"socket {s.Id} of {(s.Owner == 0 ? "the shell" : $"badge {s.Owner}")}: ");
            text.Append(s.Kind switch
            {
                SocketKind.Listener => $"tcp listening on {s.Listener!.Port}, {s.Listener.Ready} ready, {s.Listener.HalfOpen} in handshake\n",
                SocketKind.Udp => $"udp port {s.UdpPort}, {s.QueuedDatagrams} datagrams queued\n",
                _ => $"tcp {s.Connection!.RemoteAddress}:{s.Connection.RemotePort}\n",
            });
        }

        foreach (TcpConnection c in s_stack!.Tcp.Connections)
        {
            text.Append($"tcp {c.LocalAddress}:{c.LocalPort} <-> {c.RemoteAddress}:{c.RemotePort} {c.State}, {c.Readable} to read, rto {c.Congestion.RtoNs / Ms} ms, cwnd {c.Congestion.Cwnd}, {c.Retransmissions} retransmitted\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        int n = Math.Min(bytes.Length, granted);
        return n == 0 || Ipc.WriteGrant(0, bytes.AsSpan(0, n)) == SyscallStatus.Ok ? new Message { W0 = (ulong)n } : Fail(NetProtocol.Status.BadArgument);
    }
}
