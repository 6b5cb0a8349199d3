using NexOS.Drivers.Serial;
using NexOS.Security.External;
using NexOS.UserLib;

namespace NexOS.Programs.PatchLine;

/// <summary>
/// The patch line: the second serial port (COM2, 0x2F8, IRQ 3) as the delivery line for
/// external patches (docs/external-patches.md), driven from ring 3. It reassembles frames from
/// the bytes its interrupt line announces, hands each patch to the kernel's patch manager
/// through its PatchInbox capability (PatchSubmit), and answers with an ACK or NAK frame that
/// carries the kernel's one-line verdict. Slots: 1 COM2's ports, 2 COM2's interrupt line,
/// 3 the patch inbox. Without a UART at COM2 (QEMU started with one -serial) it ends with 0,
/// quietly (the console is the user's, and nothing is wrong), which its manifest line
/// (restart=on-failure) leaves ended; `ps` then does not list it.
/// </summary>
public static class Program
{
    private const int Ports = 1;
    private const int Line = 2;
    private const int Inbox = 3;
    private const ushort Com2 = 0x2F8;

    // A frame whose bytes stop for this long will never be completed: report it and resync.
    private const ulong QuietNs = 500_000_000;

    public static int Main()
    {
        var uart = new Uart16550(new PortRangeIo(Ports), Com2, receiveCapacity: 16 * 1024);
        if (!uart.Initialize())
        {
            return 0; // no second UART: nothing to serve
        }

        long notification = Ipc.CreateNotification();
        if (notification < 0 || Devices.BindInterrupt(Line, (int)notification, 1) != NexOS.Abi.SyscallStatus.Ok)
        {
            Log.WriteLine("patchline: COM2's interrupt line could not be bound (missing capability?)");
            return 1;
        }

        var decoder = new PatchFrameDecoder(new PatchResponder(Inbox, frame => { uart.Write(frame); return true; }, "line"));
        Span<byte> chunk = stackalloc byte[256];
        while (true)
        {
            uart.Poll();
            int n = 0;
            while (n < chunk.Length && uart.TryRead(out byte b))
            {
                chunk[n++] = b;
            }

            if (n > 0)
            {
                decoder.Feed(chunk[..n]);
                continue;
            }

            Devices.AcknowledgeInterrupt(Line);
            NexOS.Abi.SyscallStatus waited = Ipc.Wait((int)notification, out _, decoder.HasPending ? QuietNs : 0);
            if (waited == NexOS.Abi.SyscallStatus.TimedOut)
            {
                decoder.Expire();
            }
            else if (waited != NexOS.Abi.SyscallStatus.Ok)
            {
                Log.WriteLine($"patchline: waiting for COM2 failed ({waited}); ending");
                return 2;
            }
        }
    }
}
