using System.Buffers.Binary;
using NexOS.Drivers.Ahci;
using NexOS.Drivers.Hardware;
using NexOS.Storage;

namespace NexOS.Tests.Drivers.Ahci;

[TestFixture]
public sealed class AhciPortTests
{
    private sealed class CountingWaiter : IWaiter
    {
        public int Waits { get; private set; }

        public bool Wait() => ++Waits < 1000;
    }

    private static AhciStatus Create(out FakeAhciHba hba, out AhciPort? port, Action<FakeAhciHba>? tweak = null, int dmaBytes = 1536 + 8192)
    {
        var dma = new DmaRegion(new byte[dmaBytes], 0x40_0000);
        hba = new FakeAhciHba(dma, 2048);
        tweak?.Invoke(hba);
        return AhciPort.Create(hba, 0, dma, new CountingWaiter(), 8192, out port);
    }

    private static (FakeAhciHba Hba, AhciPort Port) CreateOk(Action<FakeAhciHba>? tweak = null)
    {
        Assert.That(Create(out FakeAhciHba hba, out AhciPort? port, tweak), Is.EqualTo(AhciStatus.Ok));
        return (hba, port!);
    }

    [Test]
    public void StartProgramsThePortAndIdentifiesTheDisk()
    {
        (FakeAhciHba hba, AhciPort port) = CreateOk();
        Assert.Multiple(() =>
        {
            Assert.That(hba.Read32(AhciRegisters.Ghc) & AhciRegisters.GhcAhciEnable, Is.Not.Zero);
            Assert.That(hba.PortReg(AhciRegisters.PxClb), Is.EqualTo(0x40_0000));
            Assert.That(hba.PortReg(AhciRegisters.PxFb), Is.EqualTo(0x40_0000 + 1024));
            Assert.That(hba.PortReg(AhciRegisters.PxCmd) & AhciRegisters.CmdStart, Is.Not.Zero);
            Assert.That(hba.Issued, Is.EqualTo(new[] { AhciRegisters.AtaIdentify }));
            Assert.That(port.BlockCount, Is.EqualTo(2048));
            Assert.That(port.BlockSize, Is.EqualTo(512));
        });
    }

    [Test]
    public void ReadsWritesAndFlushRoundTrip()
    {
        (FakeAhciHba hba, AhciPort port) = CreateOk();
        byte[] data = new byte[40 * 512];
        new Random(5).NextBytes(data);
        Assert.That(port.Write(1000, data), Is.EqualTo(StorageStatus.Ok));
        Assert.That(hba.Disk.AsSpan(1000 * 512, data.Length).SequenceEqual(data), Is.True);
        byte[] back = new byte[data.Length];
        Assert.That(port.Read(1000, back), Is.EqualTo(StorageStatus.Ok));
        Assert.That(back, Is.EqualTo(data));
        Assert.That(port.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(hba.Flushes, Is.EqualTo(1));
        Assert.That(port.Read(2047, new byte[1024]), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(port.Read(0, new byte[3]), Is.EqualTo(StorageStatus.BadArgument));
    }

    [Test]
    public void BringUpFailuresAreStatusValues()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Create(out _, out _, h => h.SetPort(AhciRegisters.PxSsts, 0)), Is.EqualTo(AhciStatus.NoDevice));
            Assert.That(Create(out _, out _, h => h.SetPort(AhciRegisters.PxSig, 0xEB140101)), Is.EqualTo(AhciStatus.NotAta));
            Assert.That(Create(out _, out _, h => h.StuckRunning = true), Is.EqualTo(AhciStatus.PortHung));
            Assert.That(Create(out _, out _, h => h.Lba48 = false), Is.EqualTo(AhciStatus.IdentifyFailed));
            Assert.That(Create(out _, out _, h => h.Sectors = 0), Is.EqualTo(AhciStatus.IdentifyFailed));
            Assert.That(Create(out _, out _, h => h.FailCommand = c => c == AhciRegisters.AtaIdentify), Is.EqualTo(AhciStatus.IdentifyFailed));
            Assert.That(Create(out _, out _, null, dmaBytes: 4096), Is.EqualTo(AhciStatus.DmaTooSmall));
        });
    }

    [Test]
    public void TaskFileErrorsFailTheCommandAndThePortRecovers()
    {
        (FakeAhciHba hba, AhciPort port) = CreateOk();
        hba.FailCommand = c => c == AhciRegisters.AtaWriteDmaExt;
        Assert.That(port.Write(3, new byte[512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(port.Broken, Is.False);
        hba.FailCommand = null;
        Assert.That(port.Write(3, new byte[512]), Is.EqualTo(StorageStatus.Ok));
    }

    [Test]
    public void AWrongTransferCountIsAnError()
    {
        (FakeAhciHba hba, AhciPort port) = CreateOk();
        hba.ByteCountDelta = -512;
        Assert.That(port.Read(0, new byte[1024]), Is.EqualTo(StorageStatus.IoError));
    }

    [Test]
    public void ACommandThatNeverCompletesTimesOutAndBreaksThePort()
    {
        (FakeAhciHba hba, AhciPort port) = CreateOk();
        hba.NeverComplete = true;
        Assert.That(port.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(port.Broken, Is.True);
        Assert.That(hba.PortReg(AhciRegisters.PxCmd) & AhciRegisters.CmdStart, Is.Zero, "the port was stopped");
        Assert.That(port.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
    }

    [Test]
    public void WithACompletionWaiterThePortsInterruptsAreOnAndCommandsWaitThere()
    {
        var dma = new DmaRegion(new byte[1536 + 8192], 0x40_0000);
        var hba = new FakeAhciHba(dma, 2048);
        var registers = new CountingWaiter();
        var completions = new CountingWaiter();
        Assert.That(AhciPort.Create(hba, 0, dma, registers, 8192, completions, 7, out AhciPort? port), Is.EqualTo(AhciStatus.Ok));
        Assert.That(port!.UsesInterrupt, Is.True);
        Assert.That(hba.PortReg(AhciRegisters.PxIe), Is.EqualTo(AhciRegisters.IeCompletions));
        Assert.That(hba.Read32(AhciRegisters.Ghc) & AhciRegisters.GhcInterruptEnable, Is.Not.Zero);

        hba.NeverComplete = true;
        int before = registers.Waits;
        Assert.That(port.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(completions.Waits, Is.EqualTo(7), "a command waits on the interrupt, as often as it was told");
        Assert.That(port.Broken, Is.True);
        Assert.That(registers.Waits - before, Is.LessThan(1000), "stopping the port waits on registers, not on the interrupt");
    }

    [Test]
    public void APolledPortLeavesInterruptsOff()
    {
        (FakeAhciHba hba, AhciPort port) = CreateOk();
        Assert.That(port.UsesInterrupt, Is.False);
        Assert.That(hba.PortReg(AhciRegisters.PxIe), Is.Zero);
        Assert.That(hba.Read32(AhciRegisters.Ghc) & AhciRegisters.GhcInterruptEnable, Is.Zero);
    }

    [Test]
    public void IdentifyParsingRejectsHostileData()
    {
        var rng = new Random(11);
        byte[] data = new byte[512];
        for (int i = 0; i < 5000; i++)
        {
            rng.NextBytes(data);
            if (AtaIdentity.TryParse(data, out AtaIdentity id))
            {
                Assert.That(id.Sectors, Is.InRange(1UL, 1UL << 48));
                Assert.That(id.SectorSize, Is.EqualTo(512).Or.EqualTo(4096));
            }
        }

        Assert.That(AtaIdentity.TryParse(new byte[100], out _), Is.False);
        byte[] big = new byte[512];
        BinaryPrimitives.WriteUInt16LittleEndian(big.AsSpan(166), 1 << 10);
        BinaryPrimitives.WriteUInt16LittleEndian(big.AsSpan(200), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(big.AsSpan(212), 0x5000);
        BinaryPrimitives.WriteUInt16LittleEndian(big.AsSpan(234), 2048);
        Assert.That(AtaIdentity.TryParse(big, out AtaIdentity four), Is.True);
        Assert.That(four, Is.EqualTo(new AtaIdentity(8, 4096)));
    }
}
