using NexOS.Drivers.Serial;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Benchmarks;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Workloads;
using NexOS.Security.External;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.SelfEvolution;

/// <summary>
/// The second serial port (COM2, 0x2F8, IRQ 3) as the delivery line for external patches
/// (docs/external-patches.md). The interrupt handler only moves bytes from the UART into the
/// driver's ring buffer and wakes the receiver thread; the thread reassembles frames, hands
/// each patch to the <see cref="IPatchSink"/> and answers with an ACK or NAK frame carrying the
/// sink's one-line verdict. Without a second UART (QEMU started with one -serial) nothing runs.
/// </summary>
internal static unsafe class PatchPort
{
    public const ushort Com2 = 0x2F8;
    public const int Com2Irq = 3;

    // A frame whose bytes stop for this long will never be completed: report it and resync.
    private const ulong QuietNs = 500_000_000;

    private static readonly WaitQueue s_dataReady = new();
    private static Uart16550? s_uart;
    private static PatchFrameDecoder? s_decoder;
    private static string s_state = "not started";

    /// <summary>Where received patches go and what is remembered of them; null until <see cref="Start"/>.</summary>
    public static PatchInbox? Inbox { get; private set; }

    /// <summary>One line about the port: present or not, and its traffic.</summary>
    public static string Describe()
    {
        PatchFrameDecoder? decoder = s_decoder;
        Uart16550? uart = s_uart;
        return decoder == null || uart == null
            ? $"COM2: {s_state}"
            : $"COM2 (0x2F8, IRQ 3): {uart.BytesReceived} bytes received, {decoder.Frames} frames, {decoder.Errors} framing errors, {decoder.DroppedBytes} bytes dropped";
    }

    /// <summary>Brings COM2 up and starts the receiver thread; without a UART there it only
    /// records why (shown by `patch inbox`).</summary>
    public static void Start(PatchInbox sink)
    {
        Inbox = sink;
        var uart = new Uart16550(X64PortIo.Instance, Com2, receiveCapacity: 16 * 1024);
        if (!uart.Initialize())
        {
            s_state = "not available (" + uart.InitializeError + ")";
            return;
        }

        var responder = new Responder(uart, sink);
        s_decoder = new PatchFrameDecoder(responder);
        s_uart = uart;
        Interrupts.Register(Com2Irq, &OnInterrupt);
        s_state = "receiving";
        Scheduler.Spawn("patch-rx", Receive);
    }

    private static void OnInterrupt()
    {
        Uart16550? uart = s_uart;
        if (uart == null)
        {
            return;
        }

        KernelMetrics.SerialInterrupts.Increment();
        uart.HandleInterrupt();
        if (uart.Available > 0 && Scheduler.IsRunning)
        {
            Scheduler.WakeAll(s_dataReady);
        }
    }

    private static void Receive()
    {
        Uart16550 uart = s_uart!;
        PatchFrameDecoder decoder = s_decoder!;
        Span<byte> chunk = stackalloc byte[256];
        while (true)
        {
            Native.DisableInterrupts();
            uart.Poll(); // bytes that arrived before the receive interrupt was routed
            int n = 0;
            while (n < chunk.Length && uart.TryRead(out byte b))
            {
                chunk[n++] = b;
            }

            if (n == 0)
            {
                // Interrupts stay off from the check to the block, so no wake-up is missed.
                bool woken = Scheduler.Block(s_dataReady, decoder.HasPending ? QuietNs : 0);
                Native.EnableInterrupts();
                if (!woken)
                {
                    decoder.Expire();
                }

                continue;
            }

            Native.EnableInterrupts();
            decoder.Feed(chunk[..n]);
        }
    }

    /// <summary>Answers every frame and every framing error on the same line.</summary>
    private sealed class Responder : IPatchFrameHandler
    {
        private readonly Uart16550 _uart;
        private readonly IPatchSink _sink;

        public Responder(Uart16550 uart, IPatchSink sink)
        {
            _uart = uart;
            _sink = sink;
        }

        public void OnFrame(PatchFrameType type, ushort sequence, ReadOnlySpan<byte> payload)
        {
            if (type != PatchFrameType.Patch)
            {
                Reply(false, sequence, "rejected: only patch frames are accepted on this line");
                return;
            }

            bool accepted = _sink.Submit(payload, out string verdict);
            Reply(accepted, sequence, verdict);
        }

        public void OnError(PatchFrameError error, ushort sequence, string message)
            => Reply(false, sequence, "frame error (" + PatchFrame.Name(error) + "): " + message);

        private void Reply(bool accepted, ushort sequence, string text)
        {
            byte[] payload = System.Text.Encoding.UTF8.GetBytes(PatchInbox.OneLine(text));
            _uart.Write(PatchFrame.Encode(accepted ? PatchFrameType.Ack : PatchFrameType.Nak, sequence, payload));
        }
    }
}
