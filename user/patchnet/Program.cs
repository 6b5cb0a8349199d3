using NexOS.Abi;
using NexOS.Programs.PatchLine;
using NexOS.Security.External;
using NexOS.UserLib;

namespace NexOS.Programs.PatchNet;

/// <summary>
/// External patches over the network (docs/external-patches.md): the same frames as the serial
/// patch line, on TCP port 7070. Each patch goes to the kernel's patch manager through the
/// PatchInbox capability (PatchSubmit), which judges it by the same rules whichever way it came
/// (signature, policy level, replay and rate limits), and the ACK or NAK frame with the
/// verdict goes back on the connection. One client at a time: patching is an administrator's
/// act, and a client that sends nothing for <see cref="QuietMs"/> is dropped, so a stalled one
/// holds the service for seconds, not for ever. Slots: 1 the `net` endpoint, 2 the patch inbox.
/// </summary>
public static class Program
{
    public const ushort Port = 7070;
    public const ulong QuietMs = 10_000;

    private const int NetSlot = 1;
    private const int Inbox = 2;
    private const ulong RetryNs = 1_000_000_000;

    public static int Main()
    {
        TcpSocket? listener = null;
        for (int tries = 0; listener == null; tries++)
        {
            listener = TcpSocket.Listen(NetSlot, Port, 4, out NetProtocol.Status status);
            if (listener == null)
            {
                // The stack says when there is no network device; anything else is said once.
                if (tries == 0 && status != NetProtocol.Status.NoDevice)
                {
                    Log.WriteLine($"patchnet: cannot listen on port {Port} yet ({NetProtocol.Describe((ulong)status)}); trying every second");
                }

                _ = Time.Sleep(RetryNs);
            }
        }

        Log.WriteLine($"patchnet: taking patches on TCP port {Port}");
        byte[] buffer = new byte[4096];
        while (true)
        {
            TcpSocket? client = listener.Accept(0, out NetProtocol.Status accepted, out uint address, out _);
            if (client == null)
            {
                Log.WriteLine($"patchnet: accept failed ({NetProtocol.Describe((ulong)accepted)}); the network service may have restarted");
                return 1;
            }

            using (client)
            {
                Serve(client, address, buffer);
            }
        }
    }

    // Frames from one client until it closes, goes quiet, or its connection fails.
    private static void Serve(TcpSocket client, uint address, byte[] buffer)
    {
        var responder = new PatchResponder(Inbox, frame => client.SendAll(frame, QuietMs) == NetProtocol.Status.Ok, "port");
        var decoder = new PatchFrameDecoder(responder);
        while (!responder.Failed)
        {
            long n = client.Receive(buffer, QuietMs);
            if (n <= 0)
            {
                if (n == -(long)NetProtocol.Status.TimedOut || decoder.HasPending)
                {
                    decoder.Expire();
                }

                return;
            }

            decoder.Feed(buffer.AsSpan(0, (int)n));
        }

        Log.WriteLine($"patchnet: the client at {NetProtocol.AddressText(address)} went away before its answer");
    }
}
