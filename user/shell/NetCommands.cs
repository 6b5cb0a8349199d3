using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.Shell;

/// <summary>
/// `ifconfig`, `dhcp`, `ping`, `nslookup`, `netstat`, `tcp` (the TCP tunables) and `http` (a
/// small HTTP client), which the shell runs itself as a client of the network service (its
/// endpoint in slot 7, NetProtocol).
/// </summary>
internal static class NetCommands
{
    private const int NetSlot = 7;
    private const ulong PingTimeoutMs = 2000;
    private const ulong ResolveTimeoutMs = 5000;
    private const int MaxPings = 1000;

    private static readonly string[] s_names = ["ifconfig", "dhcp", "ping", "nslookup", "netstat", "tcp", "http"];
    private const int MaxHttpBody = 64 * 1024;

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
            "tcp" => Tunables(words, write),
            "http" => words.Count == 2 ? Http(words[1], write) : "http http://HOST[:PORT]/PATH",
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
        byte[] sockets = new byte[16 * 1024];
        var listing = new Message { Label = NetProtocol.Sockets };
        if (Ipc.CallGranting(NetSlot, ref listing, sockets, GrantAccess.Write) == SyscallStatus.Ok && listing.Label == 0)
        {
            write(Encoding.UTF8.GetString(sockets, 0, (int)Math.Min(listing.W0, (ulong)sockets.Length)));
        }

        return null;
    }

    private static string? Tunables(IReadOnlyList<string> words, Action<string> write)
    {
        if (words.Count == 1)
        {
            byte[] text = new byte[4096];
            var request = new Message { Label = NetProtocol.Parameters };
            SyscallStatus status = Ipc.CallGranting(NetSlot, ref request, text, GrantAccess.Write);
            write(status == SyscallStatus.Ok && request.Label == 0 ? Encoding.ASCII.GetString(text, 0, (int)Math.Min(request.W0, (ulong)text.Length))
                : $"tcp: {(status != SyscallStatus.Ok ? $"the network service did not answer (status {(int)status})" : NetProtocol.Describe(request.Label))}\n");
            return null;
        }

        if (words.Count != 4 || words[1] != "set")
        {
            return "tcp | tcp set NAME VALUE";
        }

        byte[] line = Encoding.ASCII.GetBytes(words[2] + " " + words[3]);
        var set = new Message { Label = NetProtocol.SetParameter };
        SyscallStatus sent = Ipc.CallGranting(NetSlot, ref set, line, GrantAccess.Read);
        write(sent == SyscallStatus.Ok && set.Label == 0 ? $"{words[2]} = {words[3]} (for connections opened from now on)\n"
            : $"tcp set: {(sent != SyscallStatus.Ok ? $"the network service did not answer (status {(int)sent})" : $"'{words[2]}' is no tunable, or {words[3]} is outside its range (see tcp)")}\n");
        return null;
    }

    // GET of one URL over a TCP socket of the shell's own: the status line, the headers and up
    // to 64 KiB of the body are shown.
    private static string? Http(string url, Action<string> write)
    {
        const string usage = "http http://HOST[:PORT]/PATH";
        if (!url.StartsWith("http://", StringComparison.Ordinal))
        {
            return usage;
        }

        string rest = url[7..];
        int slash = rest.IndexOf('/');
        string authority = slash < 0 ? rest : rest[..slash];
        string path = slash < 0 ? "/" : rest[slash..];
        int colon = authority.LastIndexOf(':');
        string host = colon < 0 ? authority : authority[..colon];
        ushort port = 80;
        if (host.Length == 0 || (colon >= 0 && (!ushort.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port == 0))
            || path.AsSpan().IndexOfAny(" \r\n") >= 0)
        {
            return usage;
        }

        ulong? address = Resolve(host, "http", write);
        if (address == null)
        {
            return null;
        }

        using TcpSocket? socket = TcpSocket.Connect(NetSlot, (uint)address.Value, port, 10_000, out NetProtocol.Status status);
        if (socket == null)
        {
            write($"http: {host}:{port}: {NetProtocol.Describe((ulong)status)}\n");
            return null;
        }

        NetProtocol.Status sent = socket.SendAll(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: NexOS\r\n\r\n"), 10_000);
        if (sent != NetProtocol.Status.Ok)
        {
            write($"http: sending failed ({NetProtocol.Describe((ulong)sent)})\n");
            return null;
        }

        byte[] answer = new byte[MaxHttpBody];
        int total = 0;
        while (total < answer.Length)
        {
            long n = socket.Receive(answer.AsSpan(total), 10_000);
            if (n <= 0)
            {
                if (n < 0)
                {
                    write($"http: receiving failed ({NetProtocol.Describe((ulong)(-n))})\n");
                }

                break;
            }

            total += (int)n;
        }

        write(Encoding.UTF8.GetString(answer, 0, total).Replace("\r\n", "\n", StringComparison.Ordinal));
        write(total == answer.Length ? $"\nhttp: cut at {MaxHttpBody / 1024} KiB\n" : total > 0 && answer[total - 1] != (byte)'\n' ? "\n" : "");
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
