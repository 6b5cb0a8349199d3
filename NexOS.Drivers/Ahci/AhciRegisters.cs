namespace NexOS.Drivers.Ahci;

/// <summary>AHCI 1.3 register offsets and bits the driver uses (HBA memory space, ABAR).</summary>
public static class AhciRegisters
{
    /// <summary>Generic host control: capabilities, global control, ports implemented.</summary>
    public const ulong Cap = 0x00, Ghc = 0x04, Is = 0x08, Pi = 0x0C;

    /// <summary>GHC bits: AHCI enable, interrupt enable.</summary>
    public const uint GhcAhciEnable = 1u << 31, GhcInterruptEnable = 1u << 1;

    /// <summary>Port register block: 0x100 + port * 0x80.</summary>
    public const ulong PortBase = 0x100, PortStride = 0x80;

    /// <summary>Port register offsets.</summary>
    public const ulong PxClb = 0x00, PxClbu = 0x04, PxFb = 0x08, PxFbu = 0x0C, PxIs = 0x10, PxIe = 0x14, PxCmd = 0x18,
        PxTfd = 0x20, PxSig = 0x24, PxSsts = 0x28, PxSerr = 0x30, PxCi = 0x38;

    /// <summary>PxCMD bits: start, FIS receive enable, FIS receive running, command list running.</summary>
    public const uint CmdStart = 1u << 0, CmdFre = 1u << 4, CmdFr = 1u << 14, CmdCr = 1u << 15;

    /// <summary>PxIS bit: task file error.</summary>
    public const uint IsTaskFileError = 1u << 30;

    /// <summary>PxIE bits the driver enables when it waits on an interrupt: a D2H register
    /// FIS, a PIO setup FIS and set device bits (a command finished), and the error
    /// interrupts (interface, host bus data and fatal, task file).</summary>
    public const uint IeCompletions = (1u << 0) | (1u << 1) | (1u << 3) | (1u << 27) | (1u << 28) | (1u << 29) | (1u << 30);

    /// <summary>PxTFD status bits: error, data request, busy.</summary>
    public const uint TfdErr = 1u << 0, TfdDrq = 1u << 3, TfdBsy = 1u << 7;

    /// <summary>SATA signature of a plain disk.</summary>
    public const uint SignatureAta = 0x00000101;

    /// <summary>PxSSTS.DET value: device present and PHY communication established.</summary>
    public const uint DetPresent = 3;

    /// <summary>ATA commands.</summary>
    public const byte AtaIdentify = 0xEC, AtaReadDmaExt = 0x25, AtaWriteDmaExt = 0x35, AtaFlushCacheExt = 0xEA;

    /// <summary>FIS type: register host to device.</summary>
    public const byte FisRegH2D = 0x27;

    /// <summary>Offset of port <paramref name="port"/>'s register block.</summary>
    public static ulong Port(int port) => PortBase + ((ulong)port * PortStride);
}
