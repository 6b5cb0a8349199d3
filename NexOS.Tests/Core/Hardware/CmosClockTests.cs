using NexOS.Core.Hardware;

namespace NexOS.Tests.Core.Hardware;

[TestFixture]
public sealed class CmosClockTests
{
    private const byte Bcd24 = 0x02, Binary24 = 0x06, Bcd12 = 0x00;

    [TestCase(1970, 1, 1, 0L)]
    [TestCase(2000, 3, 1, 11_017L)]
    [TestCase(2024, 2, 29, 19_782L)]
    [TestCase(2026, 12, 7, 20_794L)]
    [TestCase(1969, 12, 31, -1L)]
    public void CivilDatesCountDaysFromTheEpoch(int year, int month, int day, long days) =>
        Assert.That(CmosClock.DaysFromCivil(year, month, day), Is.EqualTo(days));

    [Test]
    public void BcdAndBinaryAnd12HourClocksGiveTheSameTime()
    {
        long expected = new DateTimeOffset(2026, 12, 7, 15, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.That(CmosClock.TryDecode(new byte[] { 0x05, 0x04, 0x15, 0x07, 0x12, 0x26, 0x20 }, Bcd24, out long bcd), Is.True);
        Assert.That(CmosClock.TryDecode(new byte[] { 5, 4, 15, 7, 12, 26, 20 }, Binary24, out long binary), Is.True);
        Assert.That(CmosClock.TryDecode(new byte[] { 0x05, 0x04, 0x83, 0x07, 0x12, 0x26, 0x20 }, Bcd12, out long pm), Is.True, "3 PM");
        Assert.That(new[] { bcd, binary, pm }, Is.All.EqualTo(expected));
        Assert.That(CmosClock.TryDecode(new byte[] { 0x00, 0x00, 0x12, 0x01, 0x01, 0x26, 0x20 }, Bcd12, out long midnight), Is.True);
        Assert.That(midnight % 86_400, Is.Zero, "12 AM is midnight");
        Assert.That(CmosClock.TryDecode(new byte[] { 0x00, 0x00, 0x92, 0x01, 0x01, 0x26, 0x20 }, Bcd12, out long noon), Is.True);
        Assert.That(noon % 86_400, Is.EqualTo(12 * 3600), "12 PM is noon");
    }

    [Test]
    public void AMissingCenturyIsTakenAsTwenty()
    {
        Assert.That(CmosClock.TryDecode(new byte[] { 0, 0, 0, 0x01, 0x01, 0x26, 0xFF }, Bcd24, out long t), Is.True);
        Assert.That(DateTimeOffset.FromUnixTimeSeconds(t).Year, Is.EqualTo(2026));
    }

    [TestCase(new byte[] { 0x60, 0, 0, 1, 1, 0x26, 0x20 }, Bcd24, TestName = "second 60")]
    [TestCase(new byte[] { 0, 0x60, 0, 1, 1, 0x26, 0x20 }, Bcd24, TestName = "minute 60")]
    [TestCase(new byte[] { 0, 0, 0x24, 1, 1, 0x26, 0x20 }, Bcd24, TestName = "hour 24")]
    [TestCase(new byte[] { 0, 0, 0x13, 1, 1, 0x26, 0x20 }, Bcd12, TestName = "hour 13 on a 12-hour clock")]
    [TestCase(new byte[] { 0, 0, 0x00, 1, 1, 0x26, 0x20 }, Bcd12, TestName = "hour 0 on a 12-hour clock")]
    [TestCase(new byte[] { 0, 0, 0, 0x30, 0x02, 0x26, 0x20 }, Bcd24, TestName = "30 February")]
    [TestCase(new byte[] { 0, 0, 0, 0x29, 0x02, 0x26, 0x20 }, Bcd24, TestName = "29 February 2026")]
    [TestCase(new byte[] { 0, 0, 0, 1, 0x13, 0x26, 0x20 }, Bcd24, TestName = "month 13")]
    [TestCase(new byte[] { 0, 0, 0, 0, 1, 0x26, 0x20 }, Bcd24, TestName = "day 0")]
    [TestCase(new byte[] { 0x0A, 0, 0, 1, 1, 0x26, 0x20 }, Bcd24, TestName = "a BCD digit above 9")]
    [TestCase(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, Bcd24, TestName = "a missing clock")]
    [TestCase(new byte[] { 0, 0, 0, 1, 1, 100, 20 }, Binary24, TestName = "year 100")]
    public void ValuesNoClockCanHoldAreRefused(byte[] raw, byte statusB) =>
        Assert.That(CmosClock.TryDecode(raw, statusB, out _), Is.False);

    [Test]
    public void ReadsThroughThePortsWaitForTheUpdateToEndAndAgreeTwice()
    {
        var cmos = new FakeCmos { [0x00] = 0x59, [0x02] = 0x59, [0x04] = 0x23, [0x07] = 0x31, [0x08] = 0x12, [0x09] = 0x26, [0x32] = 0x20, [0x0B] = Bcd24 };
        cmos.UpdatingReads = 3;
        cmos.TickAfterReads = 5; // the clock rolls over between the first two full reads
        Assert.That(CmosClock.TryRead(cmos, out long t), Is.True);
        Assert.That(DateTimeOffset.FromUnixTimeSeconds(t), Is.EqualTo(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(CmosClock.TryRead(new FakeCmos { StuckUpdating = true }, out _), Is.False, "a clock that never settles");
    }

    private sealed class FakeCmos : IPortIo
    {
        private readonly byte[] _registers = new byte[128];
        private int _index;
        private int _reads;

        public int UpdatingReads { get; set; }

        public int TickAfterReads { get; set; } = -1;

        public bool StuckUpdating { get; set; }

        public byte this[int register]
        {
            set => _registers[register] = value;
        }

        public byte ReadByte(ushort port)
        {
            if (_index == 0x0A)
            {
                return StuckUpdating || UpdatingReads-- > 0 ? (byte)0x80 : (byte)0;
            }

            if (++_reads == TickAfterReads)
            {
                // 2026-12-31 23:59:59 becomes 2027-01-01 00:00:00.
                _registers[0x00] = 0; _registers[0x02] = 0; _registers[0x04] = 0;
                _registers[0x07] = 1; _registers[0x08] = 1; _registers[0x09] = 0x27;
            }

            return _registers[_index & 0x7F];
        }

        public void WriteByte(ushort port, byte value) => _index = value;

        public ushort ReadUInt16(ushort port) => 0xFFFF;

        public void WriteUInt16(ushort port, ushort value)
        {
        }

        public uint ReadUInt32(ushort port) => uint.MaxValue;

        public void WriteUInt32(ushort port, uint value)
        {
        }
    }
}
