namespace NexOS.Drivers.Network;

/// <summary>Registers and bits of the Intel 8254x/8257x (e1000, e1000e) the driver uses, as
/// the Software Developer's Manual names them: offsets in BAR 0.</summary>
internal static class E1000Registers
{
    public const ulong Ctrl = 0x0000, Status = 0x0008, Icr = 0x00C0, Ims = 0x00D0, Imc = 0x00D8;
    public const ulong Rctl = 0x0100, Tctl = 0x0400, Tipg = 0x0410;
    public const ulong Rdbal = 0x2800, Rdbah = 0x2804, Rdlen = 0x2808, Rdh = 0x2810, Rdt = 0x2818;
    public const ulong Tdbal = 0x3800, Tdbah = 0x3804, Tdlen = 0x3808, Tdh = 0x3810, Tdt = 0x3818;
    public const ulong Mta = 0x5200, Ral0 = 0x5400, Rah0 = 0x5404;
    public const int MtaEntries = 128;

    public const uint CtrlSetLinkUp = 1u << 6, CtrlReset = 1u << 26;
    public const uint StatusLinkUp = 1u << 1;
    public const uint RahAddressValid = 1u << 31;

    /// <summary>Interrupt causes: transmit descriptor written back, link status change,
    /// receive ring below its threshold, receiver overrun, receive timer (a frame arrived).</summary>
    public const uint IntTxdw = 1u << 0, IntLsc = 1u << 2, IntRxdmt0 = 1u << 4, IntRxo = 1u << 6, IntRxt0 = 1u << 7;

    /// <summary>Receive: enable, accept broadcast, 2048-byte buffers (BSIZE 00), strip the CRC.</summary>
    public const uint RctlEnable = 1u << 1, RctlBroadcast = 1u << 15, RctlStripCrc = 1u << 26;

    /// <summary>Transmit: enable, pad short packets, collision threshold 15, collision distance 64.</summary>
    public const uint TctlEnable = 1u << 1, TctlPad = 1u << 3, TctlCollisionThreshold = 0x0Fu << 4, TctlCollisionDistance = 0x40u << 12;

    /// <summary>The inter-packet gap the manual gives for copper (IPGT 10, IPGR1 8, IPGR2 6).</summary>
    public const uint TipgCopper = 10 | (8 << 10) | (6 << 20);

    /// <summary>Descriptor bits: done, end of packet (status); end of packet, insert FCS,
    /// report status (transmit command).</summary>
    public const byte DescDone = 1 << 0, DescEop = 1 << 1;
    public const byte CmdEop = 1 << 0, CmdIfcs = 1 << 1, CmdRs = 1 << 3;

    public const int DescriptorBytes = 16;
}
