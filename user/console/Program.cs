using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.Console;

/// <summary>
/// The console service: the driver of COM1, a 16550 UART, of the PS/2 keyboard and of the
/// screen, in ring 3. It serves <see cref="ConsoleProtocol"/> on its endpoint: writes go out
/// byte by byte to the serial line (a line feed as CR LF) and to the screen
/// (<see cref="Screen"/>), reads wait for bytes typed on either the serial line or the
/// keyboard (<see cref="Keyboard"/>), which their interrupt lines announce as two bits of one
/// notification. Slots: 1 COM1's ports, 2 COM1's interrupt line, 3 the endpoint, 4 the kernel
/// log, 5 and 6 the keyboard controller's data and command ports, 7 the keyboard's interrupt
/// line, and 8 the screen when the machine has one (its argument `fb=...` describes it).
/// Without a keyboard or a screen it serves the serial line alone. One call at a time: while a read waits for input, writers wait too (the
/// shell, the one reader, writes nothing while it waits for a key). Between calls, and every
/// <see cref="KernelLogPollNs"/> while idle, it prints the kernel's waiting log lines
/// (<see cref="KernelLines"/>).
/// </summary>
public static partial class Program
{
    private const int Ports = 1;
    private const int Line = 2;
    private const int Endpoint = 3;
    private const int KernelLogSlot = 4;
    private const int KeyboardData = 5;
    private const int KeyboardControl = 6;
    private const int KeyboardLine = 7;
    private const int ScreenSlot = 8;
    private const ulong SerialBit = 1;
    private const ulong KeyboardBit = 2;
    private const ulong KernelLogPollNs = 50_000_000;

    private const ushort Base = 0x3F8;
    private const ushort InterruptEnable = Base + 1;
    private const ushort LineStatus = Base + 5;
    private const int DataReady = 0x01;
    private const int TransmitterEmpty = 0x20;
    private const int ReceivedDataInterrupt = 0x01;

    private static readonly byte[] s_input = new byte[256];
    private static int s_head;
    private static int s_count;
    private static Keyboard? s_keyboard;
    private static Screen? s_screen;

    public static int Main(string[] args)
    {
        long notification = Ipc.CreateNotification();
        if (notification < 0 || Devices.BindInterrupt(Line, (int)notification, SerialBit) != SyscallStatus.Ok
            || Devices.PortWrite(Ports, InterruptEnable, ReceivedDataInterrupt) != SyscallStatus.Ok)
        {
            Log.WriteLine("console: COM1 could not be taken over (missing capabilities?)");
            return 1;
        }

        s_keyboard = Keyboard.Start(KeyboardData, KeyboardControl, KeyboardLine, (int)notification, KeyboardBit);
        string? screen = null;
        foreach (string arg in args)
        {
            screen = arg.StartsWith("fb=", StringComparison.Ordinal) ? arg : screen;
        }

        s_screen = screen != null && Children.Inspect(ScreenSlot) >= 0 ? Screen.Start(ScreenSlot, screen) : null;

        Span<byte> chunk = stackalloc byte[ConsoleProtocol.ChunkBytes];
        while (true)
        {
            SyscallStatus status = Ipc.Receive(Endpoint, out Message message, out _, KernelLogPollNs);
            KernelLines.Print();
            if (status == SyscallStatus.TimedOut)
            {
                continue;
            }

            if (status != SyscallStatus.Ok)
            {
                Log.WriteLine($"console: receive failed ({(int)status}); ending");
                return 2;
            }

            int length = Math.Min((int)((message.Label >> 8) & 0xFF), ConsoleProtocol.ChunkBytes);
            var reply = default(Message);
            switch (message.Label & 0xFF)
            {
                case ConsoleProtocol.Write:
                    Unpack(in message, chunk);
                    Transmit(chunk[..length]);
                    break;
                case ConsoleProtocol.Read:
                    int n = WaitForInput((int)notification, chunk);
                    reply = Pack(chunk[..n]);
                    break;
                case ConsoleProtocol.Poll:
                    Drain();
                    s_keyboard?.Drain(Accept);
                    reply = Pack(chunk[..Take(chunk[..1])]);
                    break;
                default:
                    reply.Label = 0xFF; // not an operation of the protocol
                    break;
            }

            Ipc.Reply(in reply);
        }
    }

    private static void Transmit(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b == (byte)'\n')
            {
                Put((byte)'\r');
            }

            Put(b);
            KernelLines.Seen(b);
        }
    }

    private static void Put(byte b)
    {
        s_screen?.Put(b);
        while ((Devices.PortRead(Ports, LineStatus) & TransmitterEmpty) == 0)
        {
            Process.Yield();
        }

        Devices.PortWrite(Ports, Base, b);
    }

    /// <summary>Returns at least one typed byte (up to the chunk's size), waiting for the
    /// interrupt line when nothing is buffered.</summary>
    private static int WaitForInput(int notification, Span<byte> into)
    {
        Drain();
        while (s_count == 0)
        {
            SyscallStatus waited = Ipc.Wait(notification, out ulong bits, KernelLogPollNs);
            KernelLines.Print();
            if (waited != SyscallStatus.Ok)
            {
                continue; // the poll's time passed: no interrupt to acknowledge
            }

            if ((bits & KeyboardBit) != 0)
            {
                s_keyboard?.Drain(Accept);
            }

            if ((bits & SerialBit) != 0)
            {
                Drain();
                Devices.AcknowledgeInterrupt(Line);
                Drain(); // bytes that came between the drain and the acknowledgement raise no new edge
            }
        }

        return Take(into);
    }

    /// <summary>Moves up to <paramref name="into"/>'s length of buffered bytes into it.</summary>
    private static int Take(Span<byte> into)
    {
        int n = Math.Min(s_count, into.Length);
        for (int i = 0; i < n; i++)
        {
            into[i] = s_input[s_head];
            s_head = (s_head + 1) % s_input.Length;
        }

        s_count -= n;
        return n;
    }

    /// <summary>Moves every byte the UART holds into the buffer.</summary>
    private static void Drain()
    {
        for (int guard = 0; guard < 64; guard++)
        {
            long status = Devices.PortRead(Ports, LineStatus);
            if (status < 0 || (status & DataReady) == 0)
            {
                return;
            }

            Accept((byte)Devices.PortRead(Ports, Base));
        }
    }

    /// <summary>Buffers one typed byte; when the buffer is full, new bytes are dropped, as a
    /// terminal does.</summary>
    private static void Accept(byte b)
    {
        if (s_count < s_input.Length)
        {
            s_input[(s_head + s_count) % s_input.Length] = b;
            s_count++;
        }
    }

    private static void Unpack(in Message m, Span<byte> into) => ConsoleProtocol.FromWords(m.W0, m.W1, m.W2, m.W3, into);

    private static Message Pack(ReadOnlySpan<byte> bytes)
    {
        var message = new Message { Label = (ulong)bytes.Length << 8 };
        ConsoleProtocol.ToWords(bytes, out message.W0, out message.W1, out message.W2, out message.W3);
        return message;
    }
}
