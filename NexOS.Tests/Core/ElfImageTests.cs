using System.Buffers.Binary;
using NexOS.Core.Loader;

namespace NexOS.Tests.Core;

/// <summary>The executable parser: a well-formed static executable as lld lays one out, then
/// every header field and program header broken on its own, cuts at every length, and random
/// damage. Nothing throws; every refusal names its field.</summary>
[TestFixture]
public sealed class ElfImageTests
{
    private const ulong UserBase = 0x1_0000, UserTop = 0x8000_0000_0000;

    [Test]
    public void AStaticExecutableParses()
    {
        ElfImage? image = ElfImage.TryParse(Build(), UserBase, UserTop, out string error);
        Assert.That(image, Is.Not.Null, error);
        Assert.That(image!.Entry, Is.EqualTo(0x401000UL));
        Assert.That(image.Segments, Is.EqualTo(new[]
        {
            new ElfSegment(0x400000, 0x200, 0, 0x200, ElfAccess.Read),
            new ElfSegment(0x401000, 0x100, 0x1000, 0x100, ElfAccess.Read | ElfAccess.Execute),
            new ElfSegment(0x402000, 0x3000, 0x2000, 0x80, ElfAccess.Read | ElfAccess.Write),
        }));
        Assert.That(image.Tls, Is.EqualTo(new ElfTls(0x402040, 0x10, 0x48, 8)));
        Assert.That(image.Segments[2].PageStart, Is.EqualTo(0x402000UL));
        Assert.That(image.Segments[2].PageEnd, Is.EqualTo(0x405000UL));
    }

    [TestCase(0, 0x7E, "no ELF magic")]
    [TestCase(4, 1, "ELF identification: class 1")]
    [TestCase(5, 2, "data 2")]
    [TestCase(6, 0, "version 0")]
    [TestCase(7, 9, "OS ABI 9")]
    [TestCase(8, 1, "ABI version 1")]
    [TestCase(12, 1, "zero padding")]
    [TestCase(16, 3, "e_type 3 (a position-independent or shared object)")]
    [TestCase(16, 1, "e_type 1; only executables")]
    [TestCase(18, 3, "machine 3")]
    [TestCase(20, 2, "version 2")]
    [TestCase(48, 1, "flags 0x1")]
    [TestCase(52, 65, "e_ehsize 65")]
    [TestCase(54, 64, "e_phentsize 64")]
    [TestCase(56, 0, "e_phnum 0")]
    [TestCase(56, 65, "e_phnum 65")]
    [TestCase(32, 65, "the program header table at 65")]
    [TestCase(32, 0, "the program header table at 0")]
    [TestCase(33, 0xF0, "the program header table at")]
    [TestCase(40, 0x10, "the section header table")]
    [TestCase(58, 40, "the section header table")]
    public void EveryHeaderFieldIsChecked(int offset, int value, string expected)
    {
        byte[] file = Build();
        file[offset] = (byte)value;
        Assert.That(ElfImage.TryParse(file, UserBase, UserTop, out string error), Is.Null);
        Assert.That(error, Does.Contain(expected));
    }

    [TestCase(0, 3u, 0, 0, 0, 0, 0, 0, "an interpreter")]
    [TestCase(0, 2u, 0, 0, 0, 0, 0, 0, "dynamic linking")]
    [TestCase(0, 0x6474E551u, 7, 0, 0, 0, 0, 0, "executable stack")]
    [TestCase(1, 1u, 7, 0x1000, 0x401000, 0x100, 0x100, 0x1000, "writable and executable")]
    [TestCase(1, 1u, 0x15, 0x1000, 0x401000, 0x100, 0x100, 0x1000, "bits other than")]
    [TestCase(1, 1u, 5, 0x1000, 0x400000, 0x100, 0x100, 0x1000, "share a page")]
    [TestCase(1, 1u, 5, 0x1000, 0x3FF000, 0x100, 0x100, 0x1000, "share a page")]
    [TestCase(1, 1u, 5, 0x1000, 0x401000, 0x200, 0x100, 0x1000, "must fit in the memory")]
    [TestCase(1, 1u, 5, 0x100000, 0x401000, 0x100, 0x100, 0x1000, "must fit in the memory and in the")]
    [TestCase(1, 1u, 5, 0x1000, 0x401000, 0x100, 0x100, 0x300, "alignment 768")]
    [TestCase(1, 1u, 5, 0x1800, 0x401000, 0x100, 0x100, 0x1000, "alignment 4096")]
    [TestCase(1, 1u, 5, 0x1000, 0x8000, 0x100, 0x100, 0x1000, "outside the user range")]
    [TestCase(1, 1u, 5, 0x1000, 0x7FFF_FFFF_F000, 0x100, 0x2000, 0x1000, "outside the user range")]
    [TestCase(1, 1u, 5, 0x1000, -0x1000L, 0x100, 0x2000, 0x1000, "wraps around")]
    [TestCase(5, 7u, 4, 0x2040, 0x402040, 0x10, 0x48, 8, "a second PT_TLS")]
    [TestCase(3, 7u, 4, 0x2040, 0x402040, 0x10, 0x200000, 8, "TLS of 2097152 bytes")]
    [TestCase(3, 7u, 4, 0x3040, 0x403040, 0x10, 0x48, 8, "must fit in the memory and in the")]
    public void EveryProgramHeaderFieldIsChecked(int index, uint type, int flags, long offset, long vaddr, long filesz, long memsz, long align, string expected)
    {
        byte[] file = Build();
        WriteProgramHeader(file, index, type, (uint)flags, (ulong)offset, (ulong)vaddr, (ulong)filesz, (ulong)memsz, (ulong)align);
        Assert.That(ElfImage.TryParse(file, UserBase, UserTop, out string error), Is.Null, "should be refused");
        Assert.That(error, Does.Contain(expected));
        Assert.That(error, Does.StartWith("ELF program header " + index));
    }

    [Test]
    public void TheEntryMustBeInCodeAndTheTlsInTheFile()
    {
        byte[] file = Build();
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24), 0x402010);
        Assert.That(ElfImage.TryParse(file, UserBase, UserTop, out string error), Is.Null);
        Assert.That(error, Is.EqualTo("ELF: the entry point 0x402010 is not inside an executable segment"));

        file = Build();
        WriteProgramHeader(file, 3, 7, 4, 0x2040, 0x402090, 0x10, 0x48, 8);
        Assert.That(ElfImage.TryParse(file, UserBase, UserTop, out error), Is.Null);
        Assert.That(error, Does.Contain("TLS template at 0x402090 (16 bytes) is not inside a loaded part of the file"));

        file = Build();
        for (int i = 0; i < 3; i++)
        {
            WriteProgramHeader(file, i, 4, 4, 0, 0, 0, 0, 0);
        }

        Assert.That(ElfImage.TryParse(file, UserBase, UserTop, out error), Is.Null);
        Assert.That(error, Is.EqualTo("ELF: no loadable segment"));
    }

    [Test]
    public void ACutFileIsRefusedAtEveryLength()
    {
        byte[] file = Build();
        for (int length = 0; length < 0x2080; length += length < 0x200 ? 1 : 61)
        {
            Assert.That(ElfImage.TryParse(file.AsSpan(0, length), UserBase, UserTop, out string error), Is.Null, $"cut at {length}");
            Assert.That(error, Does.StartWith("ELF"));
        }
    }

    [Test]
    public void RandomDamageNeverThrowsAndWhatParsesStaysInside()
    {
        byte[] good = Build();
        var random = new Random(15);
        int parsed = 0;
        for (int i = 0; i < 30_000; i++)
        {
            byte[] file = (byte[])good.Clone();
            for (int flips = random.Next(1, 5); flips > 0; flips--)
            {
                // Mostly the headers, where the meaning is.
                int at = random.Next(4) == 0 ? random.Next(file.Length) : random.Next(64 + (6 * 56));
                file[at] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)(file[at] ^ (1 << random.Next(8)));
            }

            ElfImage? image = ElfImage.TryParse(file, UserBase, UserTop, out string error);
            if (image == null)
            {
                Assert.That(error, Does.Not.Contain("\n"));
                continue;
            }

            parsed++;
            foreach (ElfSegment s in image.Segments)
            {
                Assert.That(s.VirtualAddress, Is.GreaterThanOrEqualTo(UserBase));
                Assert.That(s.VirtualAddress + s.MemorySize, Is.LessThanOrEqualTo(UserTop));
                Assert.That(s.FileOffset + s.FileSize, Is.LessThanOrEqualTo((ulong)file.Length));
                Assert.That(s.Access & (ElfAccess.Write | ElfAccess.Execute), Is.Not.EqualTo(ElfAccess.Write | ElfAccess.Execute));
            }
        }

        TestContext.Out.WriteLine($"measured {parsed} of 30000 damaged executables still parse (all inside their bounds)");
    }

    /// <summary>A static executable as lld lays one out: read-only headers and data at
    /// 0x400000, code at 0x401000, data and bss at 0x402000 with a TLS template, a stack note.</summary>
    internal static byte[] Build()
    {
        var file = new byte[0x2080];
        byte[] ident = { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0 };
        ident.CopyTo(file, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(18), 62);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24), 0x401000);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(32), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(56), 6);
        WriteProgramHeader(file, 0, 1, 4, 0, 0x400000, 0x200, 0x200, 0x1000);
        WriteProgramHeader(file, 1, 1, 5, 0x1000, 0x401000, 0x100, 0x100, 0x1000);
        WriteProgramHeader(file, 2, 1, 6, 0x2000, 0x402000, 0x80, 0x3000, 0x1000);
        WriteProgramHeader(file, 3, 7, 4, 0x2040, 0x402040, 0x10, 0x48, 8);
        WriteProgramHeader(file, 4, 0x6474E551, 6, 0, 0, 0, 0, 16);
        WriteProgramHeader(file, 5, 4, 4, 0x1C0, 0x4001C0, 0x20, 0x20, 4);
        return file;
    }

    private static void WriteProgramHeader(byte[] file, int index, uint type, uint flags, ulong offset, ulong vaddr, ulong filesz, ulong memsz, ulong align)
    {
        Span<byte> ph = file.AsSpan(64 + (index * 56), 56);
        BinaryPrimitives.WriteUInt32LittleEndian(ph, type);
        BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], flags);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], filesz);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], memsz);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[48..], align);
    }
}
