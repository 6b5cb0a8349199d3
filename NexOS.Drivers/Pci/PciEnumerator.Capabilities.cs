namespace NexOS.Drivers.Pci;

/// <summary>The capability list walk.</summary>
public sealed partial class PciEnumerator
{
    // Capabilities live in dwords 0x40..0xFC: at most 48 of them fit, so a longer list loops.
    private const int MaxCapabilities = 48;
    private const int FirstCapabilityOffset = 0x40;

    private void ReadCapabilities(PciFunction f, int pointerOffset)
    {
        PciAddress a = f.Address;
        if ((_config.Read16(a, PciRegisters.Status) & PciRegisters.StatusCapabilityList) == 0)
        {
            return;
        }

        ulong seen = 0; // one bit per dword of the 256-byte header
        int pointer = _config.Read8(a, pointerOffset) & 0xFC;
        for (int count = 0; pointer != 0; count++)
        {
            if (count == MaxCapabilities)
            {
                f.Issues |= PciIssues.TooManyCapabilities;
                return;
            }

            if (pointer < FirstCapabilityOffset)
            {
                f.Issues |= PciIssues.CapabilityPointerInvalid;
                return;
            }

            ulong bit = 1UL << (pointer >> 2);
            if ((seen & bit) != 0)
            {
                f.Issues |= PciIssues.CapabilityLoop;
                return;
            }

            seen |= bit;
            byte id = _config.Read8(a, pointer);
            int length = Math.Min(CapabilityLength(a, id, pointer), 256 - pointer);
            var bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                bytes[i] = _config.Read8(a, pointer + i);
            }

            var capability = new PciCapability(id, pointer, bytes);
            f.Capabilities.Add(capability);
            Interpret(f, capability);
            pointer = _config.Read8(a, pointer + 1) & 0xFC;
        }
    }

    private int CapabilityLength(PciAddress a, byte id, int pointer)
    {
        switch (id)
        {
            case PciCapabilityId.Msi:
                ushort control = _config.Read16(a, pointer + 2);
                return 10 + ((control & 0x80) != 0 ? 4 : 0) + ((control & 0x100) != 0 ? 10 : 0);
            case PciCapabilityId.MsiX:
                return 12;
            case PciCapabilityId.PciExpress:
                return 60;
            case PciCapabilityId.PowerManagement:
            case PciCapabilityId.Sata:
                return 8;
            case PciCapabilityId.VendorSpecific:
                // The structure states its own length; it covers at least id, next and length.
                return Math.Max(3, (int)_config.Read8(a, pointer + 2));
            default:
                return 4;
        }
    }

    private static void Interpret(PciFunction f, PciCapability c)
    {
        byte[] b = c.Bytes;
        if (c.Id == PciCapabilityId.Msi && f.Msi == null)
        {
            ushort control = (ushort)(b[2] | (b[3] << 8));
            bool is64 = (control & 0x80) != 0;
            bool masking = (control & 0x100) != 0;
            int need = 10 + (is64 ? 4 : 0) + (masking ? 10 : 0);
            if (b.Length < need)
            {
                f.Issues |= PciIssues.MessageCapabilityInvalid;
                return;
            }

            f.Msi = new PciMsiInfo(c.Offset, is64, masking, (control >> 1) & 7, (control & 1) != 0);
        }
        else if (c.Id == PciCapabilityId.MsiX && f.MsiX == null)
        {
            if (b.Length < 12)
            {
                f.Issues |= PciIssues.MessageCapabilityInvalid;
                return;
            }

            ushort control = (ushort)(b[2] | (b[3] << 8));
            uint table = (uint)(b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24));
            uint pba = (uint)(b[8] | (b[9] << 8) | (b[10] << 16) | (b[11] << 24));
            var info = new PciMsiXInfo(c.Offset, (control & 0x7FF) + 1, (int)(table & 7), table & ~7u, (int)(pba & 7), pba & ~7u, (control & 0x8000) != 0);
            if (!Fits(f, info.TableBar, info.TableOffset, (ulong)info.TableSize * 16) || !Fits(f, info.PbaBar, info.PbaOffset, (ulong)(info.TableSize + 63) / 64 * 8))
            {
                f.Issues |= PciIssues.MessageCapabilityInvalid;
                return;
            }

            f.MsiX = info;
        }
    }

    // True when [offset, offset + length) lies inside memory BAR `bar` (or the BAR's size is
    // unknown because sizing was off, in which case only its existence can be checked).
    private static bool Fits(PciFunction f, int bar, uint offset, ulong length)
    {
        if (bar >= f.Bars.Length)
        {
            return false;
        }

        PciBar b = f.Bars[bar];
        if (b.Kind != PciBarKind.Memory32 && b.Kind != PciBarKind.Memory64)
        {
            return false;
        }

        return b.Size == 0 || (offset <= b.Size && length <= b.Size - offset);
    }
}
