using System.Text;
using NexOS.Security.Crypto;
using Reference = System.Security.Cryptography;

namespace NexOS.Tests.Security.Crypto;

[TestFixture]
public sealed class HmacSha256Tests
{
    private static string Mac(byte[] key, byte[] message)
    {
        byte[] mac = new byte[HmacSha256.MacSize];
        HmacSha256.Compute(key, message, mac);
        return Convert.ToHexStringLower(mac);
    }

    private static byte[] Repeat(byte value, int count)
    {
        byte[] bytes = new byte[count];
        Array.Fill(bytes, value);
        return bytes;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    [Test]
    public void Rfc4231TestCase1() => Assert.That(
        Mac(Repeat(0x0b, 20), Ascii("Hi There")),
        Is.EqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));

    [Test]
    public void Rfc4231TestCase2() => Assert.That(
        Mac(Ascii("Jefe"), Ascii("what do ya want for nothing?")),
        Is.EqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));

    [Test]
    public void Rfc4231TestCase3() => Assert.That(
        Mac(Repeat(0xaa, 20), Repeat(0xdd, 50)),
        Is.EqualTo("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"));

    [Test]
    public void Rfc4231TestCase4() => Assert.That(
        Mac(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10111213141516171819"), Repeat(0xcd, 50)),
        Is.EqualTo("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"));

    [Test]
    public void Rfc4231TestCase5TruncatedTo128Bits() => Assert.That(
        Mac(Repeat(0x0c, 20), Ascii("Test With Truncation")).Substring(0, 32),
        Is.EqualTo("a3b6167473100ee06e0c796c2955552b"));

    [Test]
    public void Rfc4231TestCase6KeyLongerThanABlock() => Assert.That(
        Mac(Repeat(0xaa, 131), Ascii("Test Using Larger Than Block-Size Key - Hash Key First")),
        Is.EqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));

    [Test]
    public void Rfc4231TestCase7() => Assert.That(
        Mac(Repeat(0xaa, 131), Ascii("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")),
        Is.EqualTo("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"));

    [Test]
    public void RandomKeysAndMessagesMatchTheHostImplementation()
    {
        var random = new Random(3);
        for (int round = 0; round < 300; round++)
        {
            byte[] key = new byte[random.Next(0, 200)];
            byte[] message = new byte[random.Next(0, 300)];
            random.NextBytes(key);
            random.NextBytes(message);
            string expected = Convert.ToHexStringLower(Reference.HMACSHA256.HashData(key, message));
            Assert.That(Mac(key, message), Is.EqualTo(expected));
        }
    }

    [Test]
    public void TwoPartMessageEqualsConcatenation()
    {
        byte[] key = Ascii("key");
        byte[] mac = new byte[32];
        HmacSha256.Compute(key, Ascii("hello "), Ascii("world"), mac);
        Assert.That(Convert.ToHexStringLower(mac), Is.EqualTo(Mac(key, Ascii("hello world"))));
    }

    [Test]
    public void FixedTimeEqualsAndHex()
    {
        Assert.That(CryptoBytes.FixedTimeEquals(new byte[] { 1, 2 }, new byte[] { 1, 2 }), Is.True);
        Assert.That(CryptoBytes.FixedTimeEquals(new byte[] { 1, 2 }, new byte[] { 1, 3 }), Is.False);
        Assert.That(CryptoBytes.FixedTimeEquals(new byte[] { 1 }, new byte[] { 1, 2 }), Is.False);
        char[] hex = new char[4];
        Assert.That(CryptoBytes.TryWriteHex(new byte[] { 0xAB, 0x01 }, hex), Is.True);
        Assert.That(new string(hex), Is.EqualTo("ab01"));
        byte[] back = new byte[2];
        Assert.That(CryptoBytes.TryParseHex("AB01", back), Is.True);
        Assert.That(back, Is.EqualTo(new byte[] { 0xAB, 0x01 }));
        Assert.That(CryptoBytes.TryParseHex("AB0", back), Is.False);
        Assert.That(CryptoBytes.TryParseHex("ABxy", back), Is.False);
    }
}
