using System.Text;
using NexOS.Abi;

namespace NexOS.UserLib;

/// <summary>The client side of the console service's protocol (<see cref="ConsoleProtocol"/>):
/// text out in 32-byte writes, bytes in as they are typed.</summary>
public sealed class ConsoleClient
{
    private readonly int _endpoint;

    /// <summary>A client of the console service behind endpoint slot <paramref name="endpoint"/>.</summary>
    public ConsoleClient(int endpoint) => _endpoint = endpoint;

    /// <summary>The endpoint slot, for calls that write on the client's behalf.</summary>
    public int Endpoint => _endpoint;

    /// <summary>Writes UTF-8 text. Returns the first failure (the service is gone: PeerDied,
    /// or the capability is wrong), after which the rest is not written.</summary>
    public SyscallStatus Write(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return Write(bytes);
    }

    /// <summary>Writes bytes in as many messages as they need.</summary>
    public SyscallStatus Write(ReadOnlySpan<byte> bytes)
    {
        Span<byte> chunk = stackalloc byte[ConsoleProtocol.ChunkBytes];
        while (!bytes.IsEmpty)
        {
            int n = Math.Min(bytes.Length, ConsoleProtocol.ChunkBytes);
            chunk.Clear();
            bytes[..n].CopyTo(chunk);
            var message = new Message
            {
                Label = ConsoleProtocol.Write | ((ulong)n << 8),
                W0 = BitConverter.ToUInt64(chunk[..8]),
                W1 = BitConverter.ToUInt64(chunk.Slice(8, 8)),
                W2 = BitConverter.ToUInt64(chunk.Slice(16, 8)),
                W3 = BitConverter.ToUInt64(chunk.Slice(24, 8)),
            };
            SyscallStatus status = Ipc.Call(_endpoint, ref message);
            if (status != SyscallStatus.Ok)
            {
                return status;
            }

            bytes = bytes[n..];
        }

        return SyscallStatus.Ok;
    }

    /// <summary>Waits for typed bytes and copies up to 32 of them into
    /// <paramref name="buffer"/>; returns how many, or a negated status.</summary>
    public int Read(Span<byte> buffer)
    {
        var message = new Message { Label = ConsoleProtocol.Read };
        SyscallStatus status = Ipc.Call(_endpoint, ref message);
        if (status != SyscallStatus.Ok)
        {
            return -(int)status;
        }

        Span<byte> words = stackalloc byte[ConsoleProtocol.ChunkBytes];
        BitConverter.TryWriteBytes(words[..8], message.W0);
        BitConverter.TryWriteBytes(words.Slice(8, 8), message.W1);
        BitConverter.TryWriteBytes(words.Slice(16, 8), message.W2);
        BitConverter.TryWriteBytes(words.Slice(24, 8), message.W3);
        int n = Math.Min((int)((message.Label >> 8) & 0xFF), Math.Min(buffer.Length, ConsoleProtocol.ChunkBytes));
        words[..n].CopyTo(buffer);
        return n;
    }
}
