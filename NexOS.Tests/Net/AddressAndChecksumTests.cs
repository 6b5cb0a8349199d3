using NexOS.Net;

namespace NexOS.Tests.Net;

[TestFixture]
public sealed class AddressAndChecksumTests
{
    [TestCase("52:54:00:12:34:56")]
    [TestCase("ff:ff:ff:ff:ff:ff")]
    [TestCase("00:00:00:00:00:00")]
    public void MacAddressesRoundTrip(string text)
    {
        Assert.That(MacAddress.TryParse(text, out MacAddress mac), Is.True);
        Assert.That(mac.ToString(), Is.EqualTo(text));
        byte[] bytes = new byte[6];
        mac.Write(bytes);
        Assert.That(MacAddress.Read(bytes), Is.EqualTo(mac));
    }

    [TestCase("")]
    [TestCase("52:54:00:12:34")]
    [TestCase("52:54:00:12:34:56:78")]
    [TestCase("52:54:00:12:34:5g")]
    [TestCase("52-54-00-12-34-56")]
    [TestCase("5:54:00:12:34:56")]
    public void BadMacAddressesAreRefused(string text) => Assert.That(MacAddress.TryParse(text, out _), Is.False);

    [Test]
    public void MulticastIsTheLowBitOfTheFirstByte()
    {
        Assert.That(MacAddress.Broadcast.IsMulticast, Is.True);
        Assert.That(new MacAddress(0x0100_5E00_0001).IsMulticast, Is.True);
        Assert.That(new MacAddress(0x5254_0012_3456).IsMulticast, Is.False);
    }

    [TestCase("10.0.2.15", 0x0A00020Fu)]
    [TestCase("0.0.0.0", 0u)]
    [TestCase("255.255.255.255", 0xFFFFFFFFu)]
    public void Ipv4AddressesRoundTrip(string text, uint value)
    {
        Assert.That(Ipv4Address.TryParse(text, out Ipv4Address ip), Is.True);
        Assert.That(ip.Value, Is.EqualTo(value));
        Assert.That(ip.ToString(), Is.EqualTo(text));
    }

    [TestCase("")]
    [TestCase("10.0.2")]
    [TestCase("10.0.2.256")]
    [TestCase("10.0.2.-1")]
    [TestCase("10.0.2.1.5")]
    [TestCase("10.0..1")]
    [TestCase(" 10.0.2.1")]
    [TestCase("10.0.2.0001")]
    public void BadIpv4AddressesAreRefused(string text) => Assert.That(Ipv4Address.TryParse(text, out _), Is.False);

    [Test]
    public void SubnetsCompareThePrefix()
    {
        var a = new Ipv4Address(0x0A00020F);
        Assert.That(a.SameSubnet(new Ipv4Address(0x0A000202), 24), Is.True);
        Assert.That(a.SameSubnet(new Ipv4Address(0x0A000302), 24), Is.False);
        Assert.That(a.SameSubnet(new Ipv4Address(0xC0A80001), 0), Is.True);
        Assert.That(a.SameSubnet(a, 32), Is.True);
        Assert.That(a.SameSubnet(a, 33), Is.False);
        Assert.That(a.SameSubnet(a, -1), Is.False);
    }

    [Test]
    public void TheChecksumMatchesRfc1071sExample()
    {
        // RFC 1071 4.1: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded); the checksum is its complement.
        byte[] data = { 0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7 };
        Assert.That(InternetChecksum.Compute(data), Is.EqualTo((ushort)(0xFFFF ^ 0xDDF2)));
    }

    [Test]
    public void AnOddLengthIsPaddedAndPartialSumsAddUp()
    {
        byte[] data = { 0x12, 0x34, 0x56 };
        Assert.That(InternetChecksum.Compute(data), Is.EqualTo((ushort)(0xFFFF ^ (0x1234 + 0x5600))));
        byte[] whole = new byte[1000];
        new Random(3).NextBytes(whole);
        uint parts = InternetChecksum.Add(InternetChecksum.Add(0, whole.AsSpan(0, 400)), whole.AsSpan(400));
        Assert.That(InternetChecksum.Finish(parts), Is.EqualTo(InternetChecksum.Compute(whole)));
    }
}
