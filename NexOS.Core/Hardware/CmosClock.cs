namespace NexOS.Core.Hardware;

/// <summary>
/// The PC's battery-backed real-time clock (the MC146818 in the CMOS, ports 0x70 and 0x71),
/// read once at boot for the wall-clock time: seconds, minutes, hours, day, month, year and
/// (where the firmware keeps one) century. The registers may hold BCD or binary and a 12- or
/// 24-hour clock (status register B says which); a read can tear while the clock updates, so
/// it waits for the update flag to clear and reads until two reads agree. Values the clock
/// could not hold (month 13, BCD digits above 9) make the read fail instead of giving a wrong
/// date. QEMU and most firmware keep the clock in UTC.
/// </summary>
public static class CmosClock
{
    /// <summary>The index port; bit 7 also masks NMIs, which the reader leaves enabled.</summary>
    public const ushort IndexPort = 0x70;

    /// <summary>The data port.</summary>
    public const ushort DataPort = 0x71;

    private const byte Seconds = 0x00, Minutes = 0x02, Hours = 0x04, Day = 0x07, Month = 0x08, Year = 0x09;
    private const byte StatusA = 0x0A, StatusB = 0x0B, Century = 0x32;
    private const byte UpdateInProgress = 0x80, Binary = 0x04, TwentyFourHour = 0x02, Pm = 0x80;
    private const int Tries = 8;
    private const int UpdateWaitLimit = 100_000;

    /// <summary>Reads the clock through <paramref name="io"/>: the time as seconds since
    /// 1970-01-01 00:00 UTC, or false when the clock never settled or holds no valid date.</summary>
    public static bool TryRead(IPortIo io, out long unixSeconds)
    {
        unixSeconds = 0;
        Span<byte> first = stackalloc byte[7];
        Span<byte> second = stackalloc byte[7];
        for (int i = 0; i < Tries; i++)
        {
            if (!ReadAll(io, first) || !ReadAll(io, second))
            {
                return false;
            }

            if (first.SequenceEqual(second))
            {
                return TryDecode(first, Register(io, StatusB), out unixSeconds);
            }
        }

        return false;
    }

    /// <summary>
    /// Decodes raw registers (seconds, minutes, hours, day, month, year, century; a century
    /// outside 19 to 21, as when the firmware keeps none, is taken as 20) under status register
    /// B's format bits. False for values no clock can hold.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> raw, byte statusB, out long unixSeconds)
    {
        unixSeconds = 0;
        bool binary = (statusB & Binary) != 0;
        bool pm = (statusB & TwentyFourHour) == 0 && (raw[2] & Pm) != 0;
        if (!Value(raw[0], binary, out int second) || !Value(raw[1], binary, out int minute)
            || !Value((byte)(raw[2] & ~Pm), binary, out int hour) || !Value(raw[3], binary, out int day)
            || !Value(raw[4], binary, out int month) || !Value(raw[5], binary, out int year))
        {
            return false;
        }

        // Not every firmware keeps a century at 0x32 (ACPI's FADT names the register when it
        // does); anything but 19 to 21 there is taken as no century.
        if (!Value(raw[6], binary, out int century) || century is < 19 or > 21)
        {
            century = 20;
        }

        if ((statusB & TwentyFourHour) == 0)
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }

            hour = (hour % 12) + (pm ? 12 : 0);
        }

        int fullYear = (century * 100) + year;
        if (second > 59 || minute > 59 || hour > 23 || month is < 1 or > 12 || day < 1 || day > DaysIn(fullYear, month) || year > 99)
        {
            return false;
        }

        unixSeconds = (DaysFromCivil(fullYear, month, day) * 86_400L) + (hour * 3600L) + (minute * 60L) + second;
        return true;
    }

    /// <summary>Days from 1970-01-01 to the given date of the proleptic Gregorian calendar.</summary>
    public static long DaysFromCivil(int year, int month, int day)
    {
        // Howard Hinnant's algorithm: years start in March, so the leap day comes last.
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yearOfEra = y - (era * 400);
        int dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        int dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return ((long)era * 146_097) + dayOfEra - 719_468;
    }

    private static int DaysIn(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private static bool Value(byte raw, bool binary, out int value)
    {
        value = binary ? raw : ((raw >> 4) * 10) + (raw & 0xF);
        return binary || ((raw >> 4) <= 9 && (raw & 0xF) <= 9);
    }

    private static bool ReadAll(IPortIo io, Span<byte> into)
    {
        for (int wait = 0; (Register(io, StatusA) & UpdateInProgress) != 0; wait++)
        {
            if (wait == UpdateWaitLimit)
            {
                return false;
            }
        }

        into[0] = Register(io, Seconds);
        into[1] = Register(io, Minutes);
        into[2] = Register(io, Hours);
        into[3] = Register(io, Day);
        into[4] = Register(io, Month);
        into[5] = Register(io, Year);
        into[6] = Register(io, Century);
        return true;
    }

    private static byte Register(IPortIo io, byte index)
    {
        io.WriteByte(IndexPort, index);
        return io.ReadByte(DataPort);
    }
}
