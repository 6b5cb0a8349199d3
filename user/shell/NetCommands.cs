using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.Shell;

/// <summary>
/// `ifconfig`, `dhcp`, `ping`, `nslookup` and `netstat`, which the shell runs itself as a
/// client of the network service (its endpoint in slot 7, NetProtocol).
/// </summary>
internal static class NetCommands
{
    private const int NetSlot = 7;
    private const ulong PingTimeoutMs = 2000;
    private const ulong ResolveTimeoutMs = 5000;
    private const int MaxPings = 1000;

    private static readonly string[] s_names = ["ifconfig", "dhcp", "ping", "nslookup", "netstat"];

    /// <summary>Runs the line if it is one of these commands; false, writing nothing, otherwise.</summary>
    public static bool TryRun(IReadOnlyList<string> words, Action<string> write)
    {
        if (words.Count == 0 || Array.IndexOf(s_names, words[0]) < 0)
        {
            return false;
        }

        string? usage = words[0] switch
        {
            "ifconfig" => words.Count == 1 ? Interface(write) : "ifconfig",
            "dhcp" => Dhcp(words, write),
            "ping" => Ping(words, write),
            "nslookup" => words.Count is 2 or 3 ? Lookup(words, write) : "nslookup NAME [SERVER]",
            _ => words.Count == 1 ? Counters(write) : "netstat",
        };
        if (usage != null)
        {
            write($"usage: {usage}\n");
        }

        return true;
    }

    private static bool Call(ref Message request, string command, Action<string> write)
    {
        SyscallStatus status = Ipc.Call(NetSlot, ref request);
        if (status != SyscallStatus.Ok)
        {
            write($"{command}: the network service did not answer (status {(int)status})\n");
            return false;
        }

        return true;
    }

    private static string? Interface(Action<string> write)
    {
        var info = new Message { Label = NetProtocol.Info };
        if (!Call(ref info, "ifconfig", write))
        {
            return null;
        }

        var flags = (NetProtocol.Flags)((info.W1 >> 40) & 0xFF);
        if ((flags & NetProtocol.Flags.Device) == 0)
        {
            write("ifconfig: no network device\n");
            return null;
        }

        var text = new StringBuilder("eth0: ");
        for (int i = 0; i < 6; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(info.W0 >> (8 * i)) & 0xFF:x2}{(i < 5 ? ":" : "")}");
        }

        text.Append((flags & NetProtocol.Flags.LinkUp) != 0 ? ", link up\n" : ", link down\n");
        if ((flags & NetProtocol.Flags.Configured) == 0)
        {
            text.Append((flags & NetProtocol.Flags.Dhcp) != 0 ? "  no address yet (asking by DHCP)\n" : "  no address\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"  inet {NetProtocol.AddressText(info.W1 & 0xFFFFFFFF)}/{(info.W1 >> 32) & 0xFF}");
            text.Append(CultureInfo.InvariantCulture, $", gateway {NetProtocol.AddressText(info.W2 & 0xFFFFFFFF)}");
            text.Append((info.W2 >> 32) != 0 ? $", name server {NetProtocol.AddressText(info.W2 >> 32)}" : string.Empty);
            text.Append((flags & NetProtocol.Flags.Dhcp) != 0 ? $" (DHCP, lease {info.W3} s left)\n" : " (static)\n");
        }

        write(text.ToString());
        return null;
    }

    private static string? Dhcp(IReadOnlyList<string> words, Action<string> write)
    {
        uint seconds = 10;
        if (words.Count > 2 || (words.Count == 2 && (!uint.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds is 0 or > 60)))
        {
            return "dhcp [timeout-seconds, 1-60]";
        }

        var request = new Message { Label = NetProtocol.Dhcp, W0 = 1, W1 = seconds * 1000UL };
        if (Call(ref request, "dhcp", write))
        {
            write(request.Label == 0 ? $"dhcp: leased {NetProtocol.AddressText(request.W0)}\n" : $"dhcp: {NetProtocol.Describe(request.Label)}\n");
        }

        return null;
    }

    private static string? Ping(IReadOnlyList<string> words, Action<string> write)
    {
        const string usage = "ping [-c count] [-s bytes] HOST";
        int count = 4, size = 56;
        string? host = null;
        for (int i = 1; i < words.Count; i++)
        {
            if ((words[i] == "-c" || words[i] == "-s") && i + 1 < words.Count && int.TryParse(words[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                count = words[i] == "-c" ? value : count;
                size = words[i] == "-s" ? value : size;
                i++;
            }
            else if (host == null && !words[i].StartsWith('-'))
            {
                host = words[i];
            }
            else
            {
                return usage;
            }
        }

        if (host == null || count < 1 || count > MaxPings || size > 1464)
        {
            return usage;
        }

        ulong? address = Resolve(host, "ping", write);
        if (address == null)
        {
            return null;
        }

        write($"PING {host} ({NetProtocol.AddressText(address.Value)}): {size} data bytes\n");
        int received = 0;
        for (int seq = 1; seq <= count; seq++)
        {
            ulong started = Time.MonotonicNs;
            var request = new Message { Label = NetProtocol.Ping, W0 = address.Value, W1 = (ulong)seq, W2 = (ulong)size, W3 = PingTimeoutMs };
            if (!Call(ref request, "ping", write))
            {
                return null;
            }

            if (request.Label == 0)
            {
                received++;
                write(string.Create(CultureInfo.InvariantCulture, $"{size + 8} bytes from {NetProtocol.AddressText(address.Value)}: icmp_seq={seq} time={request.W0 / 1000.0 / 1000.0:F3} ms\n"));
            }
            else
            {
                write($"icmp_seq={seq}: {NetProtocol.Describe(request.Label)}\n");
            }

            ulong spent = Time.MonotonicNs - started;
            if (seq < count && spent < 1_000_000_000)
            {
                _ = Time.Sleep(1_000_000_000 - spent);
            }
        }

        write($"{count} packets sent, {received} received, {(count - received) * 100 / count}% lost\n");
        return null;
    }

    private static string? Lookup(IReadOnlyList<string> words, Action<string> write)
    {
        ulong server = 0;
        if (words.Count == 3 && !TryParseAddress(words[2], out server))
        {
            return "nslookup NAME [SERVER] (SERVER an IPv4 address)";
        }

        var request = new Message { Label = NetProtocol.Resolve, W0 = server, W1 = ResolveTimeoutMs };
        byte[] name = Encoding.ASCII.GetBytes(words[1]);
        SyscallStatus status = Ipc.CallGranting(NetSlot, ref request, name, GrantAccess.Read);
        if (status != SyscallStatus.Ok)
        {
            write($"nslookup: the network service did not answer (status {(int)status})\n");
        }
        else
        {
            write(request.Label == 0 ? $"{words[1]}: {NetProtocol.AddressText(request.W0)} (TTL {request.W1} s)\n" : $"nslookup: {words[1]}: {NetProtocol.Describe(request.Label)}\n");
        }

        return null;
    }

    // A dotted address as it is, or a name looked up.
    private static ulong? Resolve(string host, string command, Action<string> write)
    {
        if (TryParseAddress(host, out ulong address))
        {
            return address;
        }

        var request = new Message { Label = NetProtocol.Resolve, W1 = ResolveTimeoutMs };
        byte[] name = Encoding.ASCII.GetBytes(host);
        SyscallStatus status = Ipc.CallGranting(NetSlot, ref request, name, GrantAccess.Read);
        if (status != SyscallStatus.Ok || request.Label != 0)
        {
            write($"{command}: {host}: {(status != SyscallStatus.Ok ? $"the network service did not answer (status {(int)status})" : NetProtocol.Describe(request.Label))}\n");
            return null;
        }

        return request.W0;
    }

    private static string? Counters(Action<string> write)
    {
        byte[] values = new byte[NetProtocol.CounterNames.Length * sizeof(ulong)];
        var request = new Message { Label = NetProtocol.Counters };
        SyscallStatus status = Ipc.CallGranting(NetSlot, ref request, values, GrantAccess.Write);
        if (status != SyscallStatus.Ok || request.Label != 0)
        {
            write($"netstat: the network service did not answer (status {(status != SyscallStatus.Ok ? (int)status : (int)request.Label)})\n");
            return null;
        }

        var text = new StringBuilder();
        for (int i = 0; i < (int)Math.Min(request.W0, (ulong)NetProtocol.CounterNames.Length); i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{BinaryPrimitives.ReadUInt64LittleEndian(values.AsSpan(i * sizeof(ulong))),12} {NetProtocol.CounterNames[i]}\n");
        }

        write(text.ToString());
        return null;
    }

    private static bool TryParseAddress(string text, out ulong address)
    {
        address = 0;
        string[] parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string part in parts)
        {
            if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }

            address = (address << 8) | b;
        }

        return true;
    }
}
