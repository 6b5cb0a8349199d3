using System.IO;
using System.Threading;
using System.Threading.Tasks;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NexOS.Tests.Net;

namespace NexOS.Tests.Boot;

/// <summary>
/// A DNS server for boot tests, over TCP on a loopback port (RFC 7766: a two-byte length before
/// each message), which the guest reaches through a QEMU guest forward: it answers A queries
/// for the names it was given and NXDOMAIN for every other, and counts what it answered. Name
/// lookups in tests go here, never to the host's resolver.
/// </summary>
internal sealed class DnsResponder : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, byte[]> _names;
    private readonly CancellationTokenSource _stop = new();

    public DnsResponder(Dictionary<string, byte[]> names)
    {
        _names = names;
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Answered { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                // QEMU's guest forward keeps one connection to this port for every connection
                // the guest makes to the forwarded address, so queries are answered in a loop.
                NetworkStream stream = client.GetStream();
                byte[] length = new byte[2];
                while (!_stop.IsCancellationRequested)
                {
                    await stream.ReadExactlyAsync(length, _stop.Token);
                    byte[] query = new byte[(length[0] << 8) | length[1]];
                    await stream.ReadExactlyAsync(query, _stop.Token);
                    byte[] answer = _names.TryGetValue(NameOf(query), out byte[]? address)
                        ? DnsTests.Answer(query, 0, (1, address, 300))
                        : DnsTests.Answer(query, 3);
                    Answered++;
                    await stream.WriteAsync(new[] { (byte)(answer.Length >> 8), (byte)answer.Length }, _stop.Token);
                    await stream.WriteAsync(answer, _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or EndOfStreamException)
            {
            }
        }
    }

    // The question's name, from offset 12, as dotted text.
    private static string NameOf(byte[] query)
    {
        var name = new StringBuilder();
        for (int at = 12; at < query.Length && query[at] != 0 && at + 1 + query[at] <= query.Length; at += 1 + query[at])
        {
            name.Append(name.Length > 0 ? "." : "").Append(Encoding.ASCII.GetString(query, at + 1, query[at]));
        }

        return name.ToString();
    }
}
