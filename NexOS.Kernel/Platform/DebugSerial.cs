namespace NexOS.Kernel.Platform;

/// <summary>
/// Polled output on COM1, usable from anywhere: before the runtime is up, inside interrupt
/// handlers, while panicking. It never allocates and takes no locks, so output from a nested
/// panic may interleave with the line being written when it struck.
/// </summary>
internal static unsafe class DebugSerial
{
    private const ushort Com1 = 0x3F8;
    private const int LineStatus = 5;
    private const byte TransmitEmpty = 0x20;

    public static void Write(byte b)
    {
        // Bounded spin: a missing or wedged UART must not hang a panic.
        for (int i = 0; i < 100_000 && (Native.InB(Com1 + LineStatus) & TransmitEmpty) == 0; i++)
        {
            Native.Pause();
        }

        Native.OutB(Com1, b);
    }

    public static void Write(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b == (byte)'\n')
            {
                Write((byte)'\r');
            }

            Write(b);
        }
    }

    /// <summary>Writes a string's UTF-16 code units, replacing anything outside ASCII with '?'.</summary>
    public static void Write(string? text)
    {
        if (text == null)
        {
            return;
        }

        foreach (char c in text)
        {
            if (c == '\n')
            {
                Write((byte)'\r');
            }

            Write(c < 0x80 ? (byte)c : (byte)'?');
        }
    }

    public static void WriteHex(ulong value, int digits = 16)
    {
        Write((byte)'0');
        Write((byte)'x');
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            int nibble = (int)((value >> shift) & 0xF);
            Write((byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10));
        }
    }

    public static void WriteDecimal(ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        int n = 0;
        do
        {
            digits[n++] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        while (value != 0);
        while (n > 0)
        {
            Write(digits[--n]);
        }
    }
}
