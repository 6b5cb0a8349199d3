using NexOS.Core.Acpi;
using static NexOS.Tests.Core.Acpi.AcpiBuilder;

namespace NexOS.Tests.Core.Acpi;

[TestFixture]
public sealed class AmlS5FinderTests
{
    private static (bool Found, byte A, byte B) Find(byte[] aml)
    {
        bool found = AmlS5Finder.TryFind(aml, out byte a, out byte b);
        return (found, a, b);
    }

    [Test]
    public void FindsQemusPackage()
    {
        Assert.That(Find(QemuS5), Is.EqualTo((true, (byte)0, (byte)0)));
    }

    [TestCase(new byte[] { 0x0A, 0x05, 0x0A, 0x07 }, 5, 7)]
    [TestCase(new byte[] { 0x00, 0x01 }, 0, 1)]
    [TestCase(new byte[] { 0xFF, 0x00 }, 0xFF, 0)]
    [TestCase(new byte[] { 0x05, 0x06 }, 5, 6)]
    [TestCase(new byte[] { 0x0B, 0x07, 0x00, 0x0C, 0x03, 0x00, 0x00, 0x00 }, 7, 3)]
    [TestCase(new byte[] { 0x0E, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x0A, 0x04 }, 2, 4)]
    public void DecodesEveryIntegerEncoding(byte[] elements, int a, int b)
    {
        Assert.That(Find(S5(2, elements)), Is.EqualTo((true, (byte)a, (byte)b)));
    }

    [Test]
    public void OneElementPackageCarriesBothValuesInOneInteger()
    {
        Assert.That(Find(S5(1, new byte[] { 0x0B, 0x05, 0x07 })), Is.EqualTo((true, (byte)5, (byte)7)));
    }

    [Test]
    public void RootPrefixIsAccepted()
    {
        Assert.That(Find(S5(2, new byte[] { 0x0A, 0x03, 0x0A, 0x04 }, rootPrefix: true)), Is.EqualTo((true, (byte)3, (byte)4)));
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void MultiBytePackageLengthsAreDecoded(int size)
    {
        // A long package: the two values, then padding elements, so the length needs more bits.
        byte[] elements = new byte[4 + 300];
        elements[0] = 0x0A;
        elements[1] = 0x05;
        elements[2] = 0x0A;
        elements[3] = 0x06;
        Assert.That(Find(S5(4, elements, size)), Is.EqualTo((true, (byte)5, (byte)6)));
        Assert.That(AmlS5Finder.TryReadPackageLength(AcpiBuilder.PkgLength(305, size), 0, out int length, out int encoded), Is.True);
        Assert.That((length, encoded), Is.EqualTo((305 + size, size)));
    }

    [Test]
    public void PackageLengthPastTheEndIsRejected()
    {
        byte[] aml = S5(2, new byte[] { 0x0A, 0x05, 0x0A, 0x05 });
        aml[6] = 0x3F;
        Assert.That(Find(aml).Found, Is.False);
    }

    [Test]
    public void PackageLengthEncodingPastTheEndIsRejected()
    {
        byte[] aml = { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0xC0, 0x01 };
        Assert.That(Find(aml).Found, Is.False);
        Assert.That(AmlS5Finder.TryReadPackageLength(aml, 6, out _, out _), Is.False);
        Assert.That(AmlS5Finder.TryReadPackageLength(aml, 8, out _, out _), Is.False);
        Assert.That(AmlS5Finder.TryReadPackageLength(aml, -1, out _, out _), Is.False);
    }

    [Test]
    public void ElementsRunningPastThePackageAreRejected()
    {
        // The package claims 4 bytes (PkgLength, count, 0x0A, 0x05) but two elements are needed.
        byte[] aml = { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x04, 0x02, 0x0A, 0x05, 0x0A, 0x07 };
        Assert.That(Find(aml).Found, Is.False);

        // A byte prefix whose value lies outside the package.
        byte[] cut = { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x03, 0x01, 0x0A, 0x05 };
        Assert.That(Find(cut).Found, Is.False);
    }

    [TestCase(new byte[] { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x02, 0x00 })]
    [TestCase(new byte[] { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x01 })]
    [TestCase(new byte[] { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x00, 0x00 })]
    [TestCase(new byte[] { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x0A, 0x05 })]
    [TestCase(new byte[] { 0x08, 0x5F, 0x53, 0x35, 0x5F })]
    [TestCase(new byte[] { 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x04, 0x02, 0x00, 0x00 })]
    [TestCase(new byte[] { 0x70, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x04, 0x02, 0x00, 0x00 })]
    [TestCase(new byte[0])]
    public void MalformedOrMissingPackagesAreNotFound(byte[] aml)
    {
        Assert.That(Find(aml).Found, Is.False);
    }

    [Test]
    public void SkipsReferencesAndBrokenCandidatesToFindTheRealDeclaration()
    {
        var aml = new List<byte>();
        aml.AddRange(new byte[] { 0x70, 0x5F, 0x53, 0x35, 0x5F, 0x60 });
        aml.AddRange(new byte[] { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x3F, 0x02 });
        aml.AddRange(S5(2, new byte[] { 0x0A, 0x05, 0x0A, 0x05 }));
        Assert.That(Find(aml.ToArray()), Is.EqualTo((true, (byte)5, (byte)5)));
    }

    [Test]
    public void RandomBytesAndMutationsNeverThrow()
    {
        var random = new Random(555);
        byte[] valid = S5(2, new byte[] { 0x0A, 0x05, 0x0A, 0x05 }, 2);
        for (int round = 0; round < 20000; round++)
        {
            byte[] aml;
            if (round % 2 == 0)
            {
                aml = new byte[random.Next(0, 40)];
                random.NextBytes(aml);
                if (aml.Length > 8)
                {
                    "_S5_"u8.CopyTo(aml.AsSpan(random.Next(0, aml.Length - 4)));
                }
            }
            else
            {
                aml = (byte[])valid.Clone();
                aml[random.Next(aml.Length)] = (byte)random.Next(256);
                aml = aml[..random.Next(0, aml.Length + 1)];
            }

            Assert.DoesNotThrow(() => AmlS5Finder.TryFind(aml, out _, out _));
        }
    }
}
