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
        while (!bytes.IsEmpty)
        {
            int n = Math.Min(bytes.Length, ConsoleProtocol.ChunkBytes);
            var message = new Message { Label = ConsoleProtocol.Write | ((ulong)n << 8) };
            ConsoleProtocol.ToWords(bytes[..n], out message.W0, out message.W1, out message.W2, out message.W3);
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
        ConsoleProtocol.FromWords(message.W0, message.W1, message.W2, message.W3, words);
        int n = Math.Min((int)((message.Label >> 8) & 0xFF), Math.Min(buffer.Length, ConsoleProtocol.ChunkBytes));
        words[..n].CopyTo(buffer);
        return n;
    }
}

/// <summary>The kernel log's reading end (KernelLogRead), for the console service: the
/// kernel's lines wait in the kernel until the service prints them between its writes.</summary>
public static class KernelLogReader
{
    /// <summary>Moves waiting kernel log text into <paramref name="into"/>; returns the byte
    /// count (0: none waits), or a negated status.</summary>
    public static long Read(int slot, Span<byte> into) => Runtime.SyscallBuffers.KernelLogRead(slot, into);
}
