using System.Buffers.Binary;
using System.Text;
using NexOS.Abi;
using NexOS.Net;
using NexOS.UserLib;

namespace NexOS.Programs.Net;

/// <summary>The requests of NexOS.Abi.NetProtocol. Each is checked before the stack is asked;
/// one that waits on the network saves its reply and is answered by <c>Complete</c>.</summary>
public static partial class Program
{
    private const ulong MaxTimeoutMs = NetStack.MaxTimeoutNs / Ms;

    private static Message Answer(in Message request, ulong badge, ulong now, out bool saved)
    {
        saved = false;
        ulong label = request.Label & ~UserAbi.GrantFlag;
        if (label == NetProtocol.Info)
        {
            return Info();
        }

        if (label == NetProtocol.Counters)
        {
            return Counters(Ipc.GrantedLength(in request));
        }

        if (label is NetProtocol.Parameters or NetProtocol.SetParameter)
        {
            return s_stack == null ? Fail(NetProtocol.Status.NoDevice) : Tunables(label, Ipc.GrantedLength(in request));
        }

        if (s_stack == null || s_nic == null || s_nic.Lost)
        {
            return Fail(NetProtocol.Status.NoDevice);
        }

        switch (label)
        {
            case NetProtocol.Configure:
                return Configure(request.W0, request.W1, request.W2, request.W3);
            case NetProtocol.Ping:
                if (request.W0 > uint.MaxValue || request.W1 > ushort.MaxValue || request.W2 > NetStack.MaxPingData || request.W3 == 0 || request.W3 > MaxTimeoutMs)
                {
                    return Fail(NetProtocol.Status.BadArgument);
                }

                return Save(out saved, out int ping) ? Started(ping, s_stack.StartPing(ping, new Ipv4Address((uint)request.W0), (ushort)request.W1, (int)request.W2, request.W3 * Ms, now)) : Fail(NetProtocol.Status.Busy);
            case NetProtocol.Dhcp:
                if (request.W0 > 1 || request.W1 == 0 || request.W1 > MaxTimeoutMs)
                {
                    return Fail(NetProtocol.Status.BadArgument);
                }

                if (request.W0 == 1 || !s_stack.UsesDhcp)
                {
                    s_stack.StartDhcp(now);
                }

                return Save(out saved, out int dhcp) ? Started(dhcp, s_stack.WaitForAddress(dhcp, request.W1 * Ms, now)) : Fail(NetProtocol.Status.Busy);
            case >= NetProtocol.Listen and <= NetProtocol.Poll:
                return SocketCall(label, in request, badge, Ipc.GrantedLength(in request), now, out saved);
            case NetProtocol.Resolve:
                string? name = ReadName(Ipc.GrantedLength(in request));
                if (name == null || request.W0 > uint.MaxValue || request.W1 == 0 || request.W1 > MaxTimeoutMs)
                {
                    return Fail(NetProtocol.Status.BadArgument);
                }

                return Save(out saved, out int resolve) ? Started(resolve, s_stack.StartResolve(resolve, name, new Ipv4Address((uint)request.W0), request.W1 * Ms, now)) : Fail(NetProtocol.Status.Busy);
            default:
                return Fail(NetProtocol.Status.BadArgument);
        }
    }

    // Saves the call's reply; the operation then starts with the slot as its token.
    private static bool Save(out bool saved, out int slot)
    {
        long made = Ipc.SaveReply();
        saved = made > 0;
        slot = saved ? (int)made : 0;
        return saved;
    }

    // An operation the stack refused is answered through its saved slot at once.
    private static Message Started(int slot, NetStatus status)
    {
        if (status != NetStatus.Ok)
        {
            _ = Ipc.ReplySaved(slot, Fail((NetProtocol.Status)status));
        }

        return default;
    }

    private static string? ReadName(int granted)
    {
        if (granted < 1 || granted > DnsMessage.MaxName + 1)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[granted];
        if (Ipc.ReadGrant(0, bytes) != SyscallStatus.Ok)
        {
            return null;
        }

        foreach (byte b in bytes)
        {
            if (b < 0x21 || b > 0x7E)
            {
                return null;
            }
        }

        return Encoding.ASCII.GetString(bytes);
    }

    private static Message Configure(ulong address, ulong prefix, ulong gateway, ulong dns)
    {
        if (address > uint.MaxValue || prefix > 32 || gateway > uint.MaxValue || dns > uint.MaxValue)
        {
            return Fail(NetProtocol.Status.BadArgument);
        }

        NetStatus status = s_stack!.Configure(new Ipv4Address((uint)address), (int)prefix, new Ipv4Address((uint)gateway), new Ipv4Address((uint)dns));
        if (status == NetStatus.Ok)
        {
            s_addressSaid = false;
        }

        return Fail((NetProtocol.Status)status);
    }

    private static Message Info()
    {
        if (s_stack == null || s_nic == null)
        {
            return new Message();
        }

        IpInterface i = s_stack.Interface;
        ulong mac = 0;
        for (int b = 0; b < 6; b++)
        {
            mac |= ((s_nic.Mac.Value >> (8 * (5 - b))) & 0xFF) << (8 * b);
        }

        NetProtocol.Flags flags = (s_nic.Lost ? 0 : NetProtocol.Flags.Device) | (s_nic.LinkUp ? NetProtocol.Flags.LinkUp : 0)
            | (i.Address != Ipv4Address.Any ? NetProtocol.Flags.Configured : 0) | (s_stack.UsesDhcp ? NetProtocol.Flags.Dhcp : 0);
        ulong dns = s_stack.DnsServers.Length > 0 ? s_stack.DnsServers[0].Value : 0;
        return new Message
        {
            W0 = mac,
            W1 = i.Address.Value | ((ulong)i.PrefixLength << 32) | ((ulong)flags << 40),
            W2 = i.Gateway.Value | (dns << 32),
            W3 = s_stack.LeaseLeftNs / 1_000_000_000,
        };
    }

    private static Message Counters(int granted)
    {
        int count = Math.Min(NetProtocol.CounterNames.Length, granted / sizeof(ulong));
        if (count == 0)
        {
            return Fail(NetProtocol.Status.BadArgument);
        }

        InterfaceCounters c = s_stack?.Interface.Counters ?? new InterfaceCounters();
        Message nic = s_nic?.Counters() ?? default;
        ulong[] values =
        [
            c.FramesReceived, c.FramesSent, c.ArpRepliesSent, c.EchoRepliesSent, c.EchoRepliesReceived, c.UdpDelivered,
            c.DroppedMalformed, c.DroppedNotForUs, c.DroppedUnsupported, c.DroppedUnreachable, c.DroppedQueueFull,
            nic.W0, nic.W1, nic.W2, nic.W3,
        ];
        Span<byte> bytes = stackalloc byte[count * sizeof(ulong)];
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[(i * sizeof(ulong))..], values[i]);
        }

        return Ipc.WriteGrant(0, bytes) == SyscallStatus.Ok ? new Message { W0 = (ulong)count } : Fail(NetProtocol.Status.BadArgument);
    }

    // The TCP tunables: listed as text, or one set from `name value`.
    private static Message Tunables(ulong label, int granted)
    {
        if (label == NetProtocol.Parameters)
        {
            var text = new StringBuilder();
            foreach (TcpParameter p in TcpParameters.All)
            {
                text.Append($"{p.Name} = {s_stack!.TcpParameters[p]} {p.Unit} (range {p.Minimum}..{p.Maximum}, default {p.Default})\n");
            }

            byte[] bytes = Encoding.ASCII.GetBytes(text.ToString());
            int n = Math.Min(bytes.Length, granted);
            return n == 0 || Ipc.WriteGrant(0, bytes.AsSpan(0, n)) == SyscallStatus.Ok ? new Message { W0 = (ulong)n } : Fail(NetProtocol.Status.BadArgument);
        }

        if (granted < 3 || granted > 128)
        {
            return Fail(NetProtocol.Status.BadArgument);
        }

        Span<byte> line = stackalloc byte[granted];
        if (Ipc.ReadGrant(0, line) != SyscallStatus.Ok)
        {
            return Fail(NetProtocol.Status.BadArgument);
        }

        string[] words = Encoding.ASCII.GetString(line).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool set = words.Length == 2 && int.TryParse(words[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value)
            && s_stack!.TcpParameters.TrySet(words[0], value);
        return set ? new Message() : Fail(NetProtocol.Status.BadArgument);
    }

    private static Message Fail(NetProtocol.Status status) => new() { Label = (ulong)status };
}
