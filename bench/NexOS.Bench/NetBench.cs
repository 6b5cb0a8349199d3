using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace NexOS.Bench;

/// <summary>
/// The network figures, driven from the host through QEMU's user network with the guest's ports
/// forwarded from loopback (restrict=on: nothing leaves the machine), the same NIC model and
/// back end for both systems: TCP throughput each way (ns per 64 KiB over 16 MiB transfers),
/// connection set-up (ns per connect and close), HTTP (ns per GET of a small file on a new
/// connection), and the guest's ping of the gateway (ns per round trip). The guests run the
/// same protocol (user/netbench, bench/linux/net.c); NexOS's HTTP server is its httpd,
/// Linux's busybox httpd.
/// </summary>
public static partial class NetBench
{
    private const int TransferBytes = 16 << 20;
    private const int Transfers = 5;
    private const int Connects = 200;
    private const int Requests = 200;

    /// <summary>The NIC and its network, with the guest's ports 80 and 5001-5003 forwarded
    /// from <paramref name="firstPort"/> to <paramref name="firstPort"/> + 3 on 127.0.0.1.</summary>
    public static List<string> Arguments(int firstPort)
    {
        string forwards = string.Join(",", new[] { 80, 5001, 5002, 5003 }.Select((g, i) => $"hostfwd=tcp:127.0.0.1:{firstPort + i}-:{g}"));
        return ["-netdev", $"user,id=n0,restrict=on,{forwards}", "-device", "virtio-net-pci,netdev=n0"];
    }

    /// <summary>A free block of four loopback ports (probed, then let go).</summary>
    public static int FreePorts()
    {
        for (int tries = 0; tries < 50; tries++)
        {
            int first = Random.Shared.Next(20000, 60000);
            try
            {
                var probes = Enumerable.Range(first, 4).Select(p => new TcpListener(IPAddress.Loopback, p)).ToList();
                probes.ForEach(l => l.Start());
                probes.ForEach(l => l.Stop());
                return first;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no four free ports in a row");
    }

    /// <summary>Measures through the forwarded ports; each figure's samples become one line.</summary>
    public static List<BenchLine> Measure(int firstPort)
    {
        var lines = new List<BenchLine>();
        byte[] chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        lines.Add(Sample("net_tcp_upload", Transfers, () => Upload(firstPort + 1, chunk) / (TransferBytes / chunk.Length)));
        lines.Add(Sample("net_tcp_download", Transfers, () => Download(firstPort + 2, chunk) / (TransferBytes / chunk.Length)));
        lines.Add(Sample("net_tcp_connect", Connects, () => Connect(firstPort + 3)));
        lines.Add(Sample("net_http_get", Requests, () => Get(firstPort)));
        return lines;
    }

    /// <summary>The guest's ping round trips from its serial lines ("time=X ms").</summary>
    public static BenchLine? Ping(IEnumerable<TimedLine> lines)
    {
        List<double> rtt = lines.Select(l => PingTime().Match(l.Text)).Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1e6).ToList();
        return rtt.Count == 0 ? null : Line("net_ping_rtt", rtt);
    }

    [GeneratedRegex(@"time=([0-9.]+) ms")]
    private static partial Regex PingTime();

    private static BenchLine Sample(string name, int count, Func<double> one)
    {
        try
        {
            _ = one(); // a first round to warm both sides up
            var samples = new List<double>();
            for (int i = 0; i < count; i++)
            {
                samples.Add(one());
            }

            return Line(name, samples);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or InvalidDataException)
        {
            return new BenchLine(name, "", double.NaN, double.NaN, double.NaN, 0, e.Message);
        }
    }

    private static BenchLine Line(string name, List<double> samples)
    {
        samples.Sort();
        double P(double q) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(q * samples.Count) - 1)];
        return new BenchLine(name, "ns", P(0.5), P(0.99), samples[^1], samples.Count);
    }

    private static TcpClient Open(int port)
    {
        var c = new TcpClient { NoDelay = true, ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        c.Connect(IPAddress.Loopback, port);
        return c;
    }

    // Host to guest: the bytes, then the guest's count once the host closed its side.
    private static double Upload(int port, byte[] chunk)
    {
        using TcpClient c = Open(port);
        NetworkStream s = c.GetStream();
        var clock = Stopwatch.StartNew();
        for (int sent = 0; sent < TransferBytes; sent += chunk.Length)
        {
            s.Write(chunk);
        }

        c.Client.Shutdown(SocketShutdown.Send);
        byte[] count = new byte[8];
        s.ReadExactly(count);
        double ns = clock.Elapsed.TotalNanoseconds;
        if (BitConverter.ToUInt64(count) != TransferBytes)
        {
            throw new InvalidDataException($"the guest counted {BitConverter.ToUInt64(count)} bytes of {TransferBytes}");
        }

        return ns;
    }

    // Guest to host: ask for the bytes and read them all.
    private static double Download(int port, byte[] buffer)
    {
        using TcpClient c = Open(port);
        NetworkStream s = c.GetStream();
        var clock = Stopwatch.StartNew();
        s.Write(BitConverter.GetBytes((ulong)TransferBytes));
        long got = 0;
        int n;
        while ((n = s.Read(buffer)) > 0)
        {
            got += n;
        }

        if (got != TransferBytes)
        {
            throw new InvalidDataException($"the guest sent {got} bytes of {TransferBytes}");
        }

        return clock.Elapsed.TotalNanoseconds;
    }

    // A connection opened and closed by the guest: until the host sees its end.
    private static double Connect(int port)
    {
        var clock = Stopwatch.StartNew();
        using TcpClient c = Open(port);
        byte[] none = new byte[1];
        if (c.GetStream().Read(none) != 0)
        {
            throw new InvalidDataException("the connect port sent data");
        }

        return clock.Elapsed.TotalNanoseconds;
    }

    // One GET of the small file on a new connection, until the server closes it.
    private static double Get(int port)
    {
        var clock = Stopwatch.StartNew();
        using TcpClient c = Open(port);
        NetworkStream s = c.GetStream();
        s.Write("GET /favicon.svg HTTP/1.0\r\nHost: bench\r\n\r\n"u8);
        byte[] buffer = new byte[4096];
        int total = 0, n;
        while ((n = s.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += n;
        }

        string head = System.Text.Encoding.ASCII.GetString(buffer, 0, Math.Min(total, 16));
        if (!head.StartsWith("HTTP/1.", StringComparison.Ordinal) || !head.Contains(" 200", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"the server answered '{head}'");
        }

        return clock.Elapsed.TotalNanoseconds;
    }
}
