using System.Text;
using NexOS.Abi;
using NexOS.Net.Http;
using NexOS.UserLib;

namespace NexOS.Programs.Httpd;

/// <summary>
/// The dashboard's HTTP/1.1 server (docs/dashboard.md): it serves the page (HTML, CSS and a
/// little JavaScript under www/ in the boot archive) and, at /api/state, a JSON document of the
/// system's state: the kernel's snapshot (StateRead Dashboard: processes, memory, every
/// metric, the evolution timeline, the audit chain) and the network's. One thread serves up to
/// <see cref="MaxConnections"/> connections at once, waiting on all of them with one Poll; a
/// request head must arrive whole within <see cref="RequestTimeoutMs"/> and fit
/// <see cref="HttpRequestParser.MaxHead"/> bytes, so a slow or oversized client costs one
/// place for a few seconds, never the server. Only the files it loaded at start can be
/// served. Slots: 1 the `net` endpoint, 2 the boot files, 3 the kernel state (read only).
/// Its argument `port=N` picks the port (80).
/// </summary>
public static class Program
{
    public const int MaxConnections = 16;
    public const ulong RequestTimeoutMs = 5000;

    private const int NetSlot = 1;
    private const int BootFilesSlot = 2;
    private const int StateSlot = 3;
    private const ulong Ms = 1_000_000;
    private const ulong RetryMs = 1000;

    private static readonly string[] s_files = ["index.html", "dashboard.css", "dashboard.js", "favicon.svg"];
    private static readonly Dictionary<string, byte[]> s_content = new();
    private static readonly List<Connection> s_connections = new();
    private static ulong s_served;

    public static int Main(string[] args)
    {
        ushort port = 80;
        foreach (string arg in args)
        {
            if (arg.StartsWith("port=", StringComparison.Ordinal) && (!ushort.TryParse(arg.AsSpan(5), out port) || port == 0))
            {
                Log.WriteLine($"httpd: '{arg}' is not a port");
                return 2;
            }
        }

        foreach (string name in s_files)
        {
            byte[]? bytes = Children.ReadBootFile(BootFilesSlot, "www/" + name, out SyscallStatus read);
            if (bytes != null)
            {
                s_content["/" + name] = bytes;
            }
            else
            {
                Log.WriteLine($"httpd: www/{name} is missing from the boot archive (status {(int)read})");
            }
        }

        TcpSocket? listener = null;
        NetProtocol.Status status = NetProtocol.Status.Ok;
        for (int tries = 0; listener == null; tries++)
        {
            listener = TcpSocket.Listen(NetSlot, port, MaxConnections, out status);
            if (listener == null)
            {
                // No network device yet, or the stack is still starting: try again. The stack
                // itself says when there is no device; anything else is said once.
                if (tries == 0 && status != NetProtocol.Status.NoDevice)
                {
                    Log.WriteLine($"httpd: cannot listen on port {port} yet ({NetProtocol.Describe((ulong)status)}); trying every second");
                }

                _ = Time.Sleep(RetryMs * Ms);
            }
        }

        Log.WriteLine($"httpd: serving the dashboard on port {port} ({s_content.Count} files)");
        Serve(listener);
        return 1;
    }

    private static void Serve(TcpSocket listener)
    {
        Span<ulong> ids = stackalloc ulong[MaxConnections + 1];
        Span<uint> interests = stackalloc uint[MaxConnections + 1];
        while (true)
        {
            ulong now = Time.MonotonicNs;
            ids[0] = listener.Id;
            interests[0] = NetProtocol.PollReadable;
            ulong wait = RequestTimeoutMs;
            for (int i = 0; i < s_connections.Count; i++)
            {
                Connection c = s_connections[i];
                ids[i + 1] = c.Socket.Id;
                interests[i + 1] = c.Response == null ? NetProtocol.PollReadable : NetProtocol.PollWritable;
                wait = Math.Min(wait, c.Deadline > now ? Math.Max(1, (c.Deadline - now) / Ms) : 1);
            }

            long ready = NetCalls.Poll(NetSlot, ids[..(s_connections.Count + 1)], interests[..(s_connections.Count + 1)], wait);
            if (ready < 0)
            {
                Log.WriteLine($"httpd: poll failed ({NetProtocol.Describe((ulong)(-ready))}); the network service may have restarted");
                _ = Time.Sleep(RetryMs * Ms);
                return;
            }

            for (int i = s_connections.Count - 1; i >= 0; i--)
            {
                Connection c = s_connections[i];
                bool done = (ready & (1L << (i + 1))) != 0 ? c.Step() : Time.MonotonicNs >= c.Deadline && c.TimeOut();
                if (done)
                {
                    c.Socket.Dispose();
                    s_connections.RemoveAt(i);
                }
            }

            if ((ready & 1) != 0)
            {
                Accept(listener);
            }
        }
    }

    private static void Accept(TcpSocket listener)
    {
        TcpSocket? socket = listener.Accept(1, out NetProtocol.Status status, out _, out _);
        if (socket == null)
        {
            return;
        }

        if (s_connections.Count >= MaxConnections)
        {
            _ = socket.SendAll(HttpResponse.Error(503), 100);
            socket.Dispose();
            return;
        }

        s_connections.Add(new Connection(socket, Time.MonotonicNs + (RequestTimeoutMs * Ms)));
    }

    /// <summary>The answer to a request the parser accepted.</summary>
    internal static byte[] Respond(HttpRequest request)
    {
        s_served++;
        byte[]? body = request.Path == "/api/state" ? State() : s_content.GetValueOrDefault(request.Path);
        if (body == null)
        {
            return HttpResponse.Error(404);
        }

        string type = request.Path == "/api/state" ? "application/json" : HttpResponse.ContentType(request.Path);
        byte[] head = HttpResponse.Head(200, type, body.Length, keepAlive: false);
        return request.Method == "HEAD" ? head : [.. head, .. body];
    }

    // The kernel's snapshot and the network's, as one JSON object.
    private static byte[] State()
    {
        string? kernel = KernelStateCalls.Read(StateSlot, StateKind.Dashboard, out SyscallStatus read);
        var json = new StringBuilder("{\"kernel\":");
        json.Append(kernel ?? $"null,\"kernel_error\":{(int)read}");
        json.Append(",\"network\":");
        AppendNetwork(json);
        json.Append($",\"httpd\":{{\"served\":{s_served},\"connections\":{s_connections.Count}}}}}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    private static void AppendNetwork(StringBuilder json)
    {
        var info = new Message { Label = NetProtocol.Info };
        byte[] counters = new byte[NetProtocol.CounterNames.Length * sizeof(ulong)];
        var counted = new Message { Label = NetProtocol.Counters };
        if (NetCalls.Call(NetSlot, ref info) != NetProtocol.Status.Ok || NetCalls.CallGranting(NetSlot, ref counted, counters, GrantAccess.Write) != NetProtocol.Status.Ok)
        {
            json.Append("null");
            return;
        }

        json.Append($"{{\"address\":\"{NetProtocol.AddressText(info.W1 & 0xFFFFFFFF)}/{(info.W1 >> 32) & 0xFF}\",\"gateway\":\"{NetProtocol.AddressText(info.W2 & 0xFFFFFFFF)}\",\"counters\":{{");
        for (int i = 0; i < (int)Math.Min(counted.W0, (ulong)NetProtocol.CounterNames.Length); i++)
        {
            ulong value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(counters.AsSpan(i * sizeof(ulong)));
            json.Append(i == 0 ? "" : ",").Append($"\"{NetProtocol.CounterNames[i]}\":{value}");
        }

        json.Append("}}");
    }
}
