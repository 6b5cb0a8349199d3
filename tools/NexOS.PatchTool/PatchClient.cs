using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;
using NexOS.Security.External;

namespace NexOS.PatchTool;

/// <summary>The kernel's answer to one patch frame.</summary>
public sealed record PatchReply(bool Accepted, string Verdict, List<string> Notes);

/// <summary>
/// Sends one patch frame over a byte stream (QEMU's unix socket behind the guest's COM2) and
/// waits for the ACK or NAK with the same sequence number. Replies to other sequence numbers
/// (a NAK for noise on the line, say) are collected as notes.
/// </summary>
public static class PatchClient
{
    /// <summary>Connects to <paramref name="socketPath"/>, sends, and waits up to <paramref name="timeout"/>.</summary>
    public static PatchReply SendOverSocket(string socketPath, byte[] patch, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot connect to {socketPath} ({e.Message}); is NexOS running under ./nexos run?");
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        return Send(stream, patch, (ushort)Random.Shared.Next(1, 65536), timeout);
    }

    /// <summary>Connects to the patch service's TCP port at <paramref name="host"/>:<paramref name="port"/>
    /// (`./nexos run` forwards 127.0.0.1:7070 to it), sends, and waits up to <paramref name="timeout"/>.</summary>
    public static PatchReply SendOverTcp(string host, int port, byte[] patch, TimeSpan timeout)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(host, port);
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot connect to {host}:{port} ({e.Message}); is NexOS running under ./nexos run with its network up?");
        }

        return Send(client.GetStream(), patch, (ushort)Random.Shared.Next(1, 65536), timeout);
    }

    /// <summary>Sends a patch as frame <paramref name="sequence"/> on <paramref name="stream"/>
    /// and reads until its reply arrives; throws <see cref="TimeoutException"/> when none does.</summary>
    public static PatchReply Send(Stream stream, byte[] patch, ushort sequence, TimeSpan timeout)
    {
        stream.Write(PatchFrame.Encode(PatchFrameType.Patch, sequence, patch));
        stream.Flush();
        return Receive(stream, sequence, timeout);
    }

    /// <summary>Reads frames from <paramref name="stream"/> until the reply to <paramref name="sequence"/>.</summary>
    public static PatchReply Receive(Stream stream, ushort sequence, TimeSpan timeout)
    {
        var collector = new ReplyCollector(sequence);
        var decoder = new PatchFrameDecoder(collector);
        var buffer = new byte[4096];
        DateTime deadline = DateTime.UtcNow + timeout;
        while (collector.Reply == null)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no reply to frame {sequence} within {timeout.TotalSeconds:0} s");
            }

            Task<int> read = stream.ReadAsync(buffer, 0, buffer.Length);
            if (!read.Wait(left))
            {
                throw new TimeoutException($"no reply to frame {sequence} within {timeout.TotalSeconds:0} s");
            }

            if (read.Result == 0)
            {
                throw new IOException($"the connection closed before the reply to frame {sequence}");
            }

            decoder.Feed(buffer.AsSpan(0, read.Result));
        }

        return collector.Reply;
    }

    private sealed class ReplyCollector : IPatchFrameHandler
    {
        private readonly ushort _sequence;
        private readonly List<string> _notes = new();

        public ReplyCollector(ushort sequence)
        {
            _sequence = sequence;
        }

        public PatchReply? Reply { get; private set; }

        public void OnFrame(PatchFrameType type, ushort sequence, ReadOnlySpan<byte> payload)
        {
            string text = System.Text.Encoding.UTF8.GetString(payload);
            if (sequence == _sequence && type is PatchFrameType.Ack or PatchFrameType.Nak)
            {
                Reply = new PatchReply(type == PatchFrameType.Ack, text, _notes);
            }
            else
            {
                _notes.Add($"frame {sequence}: {text}");
            }
        }

        public void OnError(PatchFrameError error, ushort sequence, string message) => _notes.Add($"line: {message}");
    }
}
