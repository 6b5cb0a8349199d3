using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Platform;

/// <summary>
/// The kernel log while a program owns the console: text waits here until the console
/// service reads it (KernelLogRead) and prints it between its own writes, so a kernel line
/// never lands in the middle of a line the shell is writing. Bounded: when the reader falls
/// behind, the oldest bytes go and are counted. Appending and reading run with interrupts
/// off and never allocate; text is stored as UTF-8.
/// </summary>
internal sealed class KernelLogRing : IKernelLogSink
{
    private readonly byte[] _bytes;
    private int _head;
    private int _count;

    public KernelLogRing(int capacity) => _bytes = new byte[capacity];

    /// <summary>Bytes that were overwritten before anyone read them.</summary>
    public ulong Dropped { get; private set; }

    public void Write(string text)
    {
        ulong flags = InterruptState.Disable();
        foreach (char c in text)
        {
            if (c < 0x80)
            {
                Append((byte)c);
            }
            else if (c < 0x800)
            {
                Append((byte)(0xC0 | (c >> 6)));
                Append((byte)(0x80 | (c & 0x3F)));
            }
            else
            {
                // Characters outside the BMP arrive as surrogates; each becomes three bytes
                // of its own, which a terminal shows as a replacement character.
                Append((byte)(0xE0 | (c >> 12)));
                Append((byte)(0x80 | ((c >> 6) & 0x3F)));
                Append((byte)(0x80 | (c & 0x3F)));
            }
        }

        InterruptState.Restore(flags);
    }

    /// <summary>Moves up to <paramref name="into"/>'s length of the oldest text into it;
    /// returns how many bytes (0 when there is none).</summary>
    public int Read(Span<byte> into)
    {
        ulong flags = InterruptState.Disable();
        int n = Math.Min(_count, into.Length);
        for (int i = 0; i < n; i++)
        {
            into[i] = _bytes[(_head + i) % _bytes.Length];
        }

        _head = (_head + n) % _bytes.Length;
        _count -= n;
        InterruptState.Restore(flags);
        return n;
    }

    private void Append(byte b)
    {
        if (_count == _bytes.Length)
        {
            _head = (_head + 1) % _bytes.Length;
            _count--;
            Dropped++;
        }

        _bytes[(_head + _count) % _bytes.Length] = b;
        _count++;
    }
}
