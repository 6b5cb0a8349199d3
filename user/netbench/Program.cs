using System.Buffers.Binary;
using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.NetBench;

/// <summary>
/// The guest side of the network benchmark (docs/benchmarks.md), the same protocol as the
/// Linux guest's bench/linux/net.c: port 5001 takes bytes until the client closes its side and
/// answers their count (8 bytes, little-endian), port 5002 reads a count and sends that many
/// bytes, port 5003 accepts and closes at once (connection set-up). It serves several clients
/// at a time with one Poll, prints `netbench: ready` once it listens, and runs until killed.
/// Slot 2 is the `net` endpoint, as for any program the shell starts.
/// </summary>
public static class Program
{
    private const int NetSlot = 2;
    private const int MaxClients = 8;
    private const ulong MaxCount = 1UL << 30;
    private static readonly ushort[] s_ports = [5001, 5002, 5003];
    private static readonly byte[] s_buffer = new byte[64 * 1024];

    private sealed class Client
    {
        public required TcpSocket Socket;
        public required int Port;
        public ulong Count;
        public ulong Left;
        public int HeaderBytes;
        public bool Writing;
    }

    public static int Main()
    {
        var listeners = new TcpSocket[s_ports.Length];
        for (int i = 0; i < s_ports.Length; i++)
        {
            TcpSocket? l = TcpSocket.Listen(NetSlot, s_ports[i], 16, out NetProtocol.Status status);
            if (l == null)
            {
                Log.WriteLine($"netbench: cannot listen on port {s_ports[i]} ({NetProtocol.Describe((ulong)status)})");
                return 1;
            }

            listeners[i] = l;
        }

        Log.WriteLine("netbench: ready on ports 5001 (sink), 5002 (source), 5003 (connect)");
        var clients = new List<Client>();
        Span<ulong> ids = stackalloc ulong[s_ports.Length + MaxClients];
        Span<uint> interests = stackalloc uint[s_ports.Length + MaxClients];
        while (true)
        {
            int n = 0;
            foreach (TcpSocket l in listeners)
            {
                ids[n] = l.Id;
                interests[n++] = clients.Count < MaxClients ? NetProtocol.PollReadable : 0;
            }

            foreach (Client c in clients)
            {
                ids[n] = c.Socket.Id;
                interests[n++] = c.Writing ? NetProtocol.PollWritable : NetProtocol.PollReadable;
            }

            long ready = NetCalls.Poll(NetSlot, ids[..n], interests[..n], 0);
            if (ready < 0)
            {
                Log.WriteLine($"netbench: poll failed ({NetProtocol.Describe((ulong)(-ready))})");
                return 1;
            }

            for (int i = clients.Count - 1; i >= 0; i--)
            {
                if ((ready & (1L << (listeners.Length + i))) != 0 && Step(clients[i]))
                {
                    clients[i].Socket.Dispose();
                    clients.RemoveAt(i);
                }
            }

            for (int i = 0; i < listeners.Length; i++)
            {
                if ((ready & (1L << i)) == 0 || clients.Count >= MaxClients)
                {
                    continue;
                }

                TcpSocket? s = listeners[i].Accept(1, out _, out _, out _);
                if (s == null)
                {
                    continue;
                }

                if (s_ports[i] == 5003)
                {
                    s.Dispose();
                }
                else
                {
                    clients.Add(new Client { Socket = s, Port = s_ports[i] });
                }
            }
        }
    }

    // One step of a client's exchange; true when it is over.
    private static bool Step(Client c)
    {
        if (c.Writing)
        {
            if (c.Left == 0)
            {
                return true;
            }

            long sent = c.Socket.Send(s_buffer.AsSpan(0, (int)Math.Min(c.Left, (ulong)s_buffer.Length)), 1);
            if (sent <= 0)
            {
                return true;
            }

            c.Left -= (ulong)sent;
            return c.Left == 0;
        }

        long got = c.Socket.Receive(s_buffer, 1);
        if (got < 0)
        {
            return true;
        }

        if (c.Port == 5001)
        {
            if (got > 0)
            {
                c.Count += (ulong)got;
                return false;
            }

            // The client closed its side: the count goes back.
            Span<byte> count = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(count, c.Count);
            _ = c.Socket.SendAll(count, 5000);
            return true;
        }

        // Port 5002: the count, then that many bytes.
        if (got == 0)
        {
            return true;
        }

        for (int i = 0; i < got && c.HeaderBytes < 8; i++)
        {
            c.Count |= (ulong)s_buffer[i] << (8 * c.HeaderBytes++);
        }

        if (c.HeaderBytes == 8)
        {
            c.Left = Math.Min(c.Count, MaxCount);
            c.Writing = true; // the bytes sent are whatever the buffer holds
        }

        return false;
    }
}
