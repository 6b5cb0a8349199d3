using NexOS.Drivers.Hardware;
using NexOS.Storage;
using static NexOS.Drivers.Ahci.AhciRegisters;

namespace NexOS.Drivers.Ahci;

/// <summary>Why an AHCI port could not be brought up.</summary>
public enum AhciStatus
{
    Ok = 0,

    /// <summary>Bad port number or data buffer size.</summary>
    BadArgument,

    /// <summary>The port is not implemented or has no device attached.</summary>
    NoDevice,

    /// <summary>The device is not an ATA disk (ATAPI, port multiplier, ...).</summary>
    NotAta,

    /// <summary>The DMA region is too small or misaligned.</summary>
    DmaTooSmall,

    /// <summary>The port did not stop or start, or the device stayed busy.</summary>
    PortHung,

    /// <summary>IDENTIFY failed or described a disk the driver cannot use.</summary>
    IdentifyFailed,
}

/// <summary>
/// One SATA disk on an AHCI port, one command at a time (slot 0), waiting for each command
/// either by polling or, when given a completion waiter, on the port's interrupt: the command list
/// (1 KiB aligned), received FIS area and one command table with one PRDT entry live in a
/// <see cref="DmaRegion"/>, followed by a bounce buffer for the data. Commands are IDENTIFY,
/// READ/WRITE DMA EXT and FLUSH CACHE EXT. Every wait is bounded; a task-file error fails the
/// command and restarts the port, a port that hangs is stopped and fails every later call.
/// </summary>
public sealed partial class AhciPort : IBlockDevice
{
    /// <summary>Offsets in the DMA region.</summary>
    public const int CommandListOffset = 0, ReceivedFisOffset = 1024, CommandTableOffset = 1280, DataOffset = 1536;

    /// <summary>Polls of a register before the port counts as hung.</summary>
    public const int PollLimit = 100_000;

    private readonly IMmioRegion _hba;
    private readonly ulong _port;
    private readonly DmaRegion _dma;
    private readonly IWaiter _waiter;
    private readonly IWaiter _completions;
    private readonly int _completionWaits;
    private readonly int _dataBytes;

    private AhciPort(IMmioRegion hba, int port, DmaRegion dma, IWaiter waiter, int dataBytes, IWaiter? completions, int completionWaits)
    {
        _hba = hba;
        _port = Port(port);
        _dma = dma;
        _waiter = waiter;
        _completions = completions ?? waiter;
        _completionWaits = completions == null ? PollLimit : Math.Max(1, completionWaits);
        _dataBytes = dataBytes;
        BlockSize = 512;
    }

    /// <summary>True when commands are waited for on the port's interrupt.</summary>
    public bool UsesInterrupt { get; private set; }

    /// <inheritdoc/>
    public int BlockSize { get; private set; }

    /// <inheritdoc/>
    public ulong BlockCount { get; private set; }

    /// <summary>AHCI disks are never reported read-only.</summary>
    public bool ReadOnly => false;

    /// <summary>True once the port hung; every call then fails with IoError.</summary>
    public bool Broken { get; private set; }

    /// <summary>Bytes the DMA region must hold for <paramref name="dataBytes"/> of buffer.</summary>
    public static int RequiredDmaBytes(int dataBytes) => DataOffset + dataBytes;

    /// <summary>
    /// Brings up port <paramref name="port"/> of the HBA at <paramref name="hba"/>: AHCI mode,
    /// device presence and signature, port stop, command list and FIS area, port start, then
    /// IDENTIFY. <paramref name="dataBytes"/> (a multiple of 4096 up to 4 MiB) bounds one
    /// transfer. The failure reasons are listed in <see cref="AhciStatus"/>; nothing throws.
    /// </summary>
    public static AhciStatus Create(IMmioRegion hba, int port, DmaRegion dma, IWaiter waiter, int dataBytes, out AhciPort? driver) =>
        Create(hba, port, dma, waiter, dataBytes, null, 0, out driver);

    /// <summary>
    /// The same, but commands are waited for through <paramref name="completions"/>, at most
    /// <paramref name="completionWaits"/> waits each: the port's completion and error
    /// interrupts (<see cref="AhciRegisters.IeCompletions"/>) and the HBA's interrupt enable
    /// are turned on once the port runs, so each finished command raises the controller's
    /// interrupt (an MSI the waiter is bound to). Register waits while the port starts or
    /// stops stay on <paramref name="waiter"/>, since they raise no interrupt.
    /// </summary>
    public static AhciStatus Create(IMmioRegion hba, int port, DmaRegion dma, IWaiter waiter, int dataBytes, IWaiter? completions, int completionWaits, out AhciPort? driver)
    {
        driver = null;
        if (port < 0 || port > 31 || dataBytes < 4096 || dataBytes % 4096 != 0 || dataBytes > (4 << 20))
        {
            return AhciStatus.BadArgument;
        }

        if (!dma.Fits(0, RequiredDmaBytes(dataBytes)) || (dma.PhysicalBase & 1023) != 0)
        {
            return AhciStatus.DmaTooSmall;
        }

        hba.Write32(Ghc, hba.Read32(Ghc) | GhcAhciEnable);
        if ((hba.Read32(Pi) & (1u << port)) == 0)
        {
            return AhciStatus.NoDevice;
        }

        var p = new AhciPort(hba, port, dma, waiter, dataBytes, completions, completionWaits);
        AhciStatus status = p.Start();
        if (status == AhciStatus.Ok && completions != null)
        {
            p.SetReg(PxIe, IeCompletions);
            hba.Write32(Ghc, hba.Read32(Ghc) | GhcInterruptEnable);
            p.UsesInterrupt = true;
        }

        if (status == AhciStatus.Ok)
        {
            status = p.Identify();
        }

        driver = status == AhciStatus.Ok ? p : null;
        return status;
    }

    private uint Reg(ulong offset) => _hba.Read32(_port + offset);

    private void SetReg(ulong offset, uint value) => _hba.Write32(_port + offset, value);

    private AhciStatus Start()
    {
        if ((Reg(PxSsts) & 0xF) != DetPresent)
        {
            return AhciStatus.NoDevice;
        }

        if (Reg(PxSig) != SignatureAta)
        {
            return AhciStatus.NotAta;
        }

        if (!Stop())
        {
            return AhciStatus.PortHung;
        }

        _dma.Span.Slice(0, DataOffset).Clear();
        ulong clb = _dma.PhysicalAddress(CommandListOffset);
        ulong fb = _dma.PhysicalAddress(ReceivedFisOffset);
        SetReg(PxClb, (uint)clb);
        SetReg(PxClbu, (uint)(clb >> 32));
        SetReg(PxFb, (uint)fb);
        SetReg(PxFbu, (uint)(fb >> 32));
        return Restart() ? AhciStatus.Ok : AhciStatus.PortHung;
    }

    // Clears ST and FRE and waits until the HBA confirms (CR and FR clear), as AHCI 10.1.2
    // requires before the command list may be touched.
    private bool Stop()
    {
        SetReg(PxCmd, Reg(PxCmd) & ~CmdStart);
        if (!WaitClear(PxCmd, CmdCr))
        {
            return false;
        }

        SetReg(PxCmd, Reg(PxCmd) & ~CmdFre);
        return WaitClear(PxCmd, CmdFr);
    }

    // Clears the error and interrupt status (write one to clear), enables FIS receive, waits
    // for the device to be idle and starts the command engine.
    private bool Restart()
    {
        SetReg(PxSerr, uint.MaxValue);
        SetReg(PxIs, uint.MaxValue);
        SetReg(PxCmd, Reg(PxCmd) | CmdFre);
        if (!WaitClear(PxTfd, TfdBsy | TfdDrq))
        {
            return false;
        }

        SetReg(PxCmd, Reg(PxCmd) | CmdStart);
        return true;
    }

    private bool WaitClear(ulong register, uint bits)
    {
        for (int i = 0; i < PollLimit; i++)
        {
            if ((Reg(register) & bits) == 0)
            {
                return true;
            }

            if (!_waiter.Wait())
            {
                break;
            }
        }

        return false;
    }
}
