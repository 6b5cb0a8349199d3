namespace NexOS.Runtime.Exceptions;

/// <summary>
/// Reads DWARF call frame information: finds the FDE covering a code address through the
/// sorted table in .eh_frame_hdr, and runs its CFA program to learn where the caller's
/// registers were saved. ilc describes prologues only, with a handful of opcodes; the rest of
/// the common set is understood too. Nothing here allocates, so fault handlers can use it.
/// </summary>
internal static unsafe class Cfi
{
    private const int ReturnAddressColumn = 16;
    private const int Columns = 17;

    /// <summary>The parts of an FDE (and its CIE) the unwinder needs.</summary>
    public struct Fde
    {
        public ulong PcBegin;
        public ulong PcEnd;
        public byte* Lsda;
        public byte* CieInstructions;
        public byte* CieInstructionsEnd;
        public byte* Instructions;
        public byte* InstructionsEnd;
        public ulong CodeAlign;
        public long DataAlign;
    }

    /// <summary>The result of running a CFA program up to an address.</summary>
    public struct Row
    {
        public int CfaRegister;
        public long CfaOffset;
        public fixed long Offsets[Columns];
        public fixed byte Saved[Columns];
    }

    /// <summary>Finds the FDE whose range holds <paramref name="pc"/>. False when there is none
    /// (the address is not compiled code, or belongs to an assembly routine).</summary>
    public static bool TryFindFde(ulong pc, out Fde fde)
    {
        fde = default;
        byte* hdr = (byte*)ImageLayout.EhFrameHdrStart;
        if ((ulong)hdr == ImageLayout.EhFrameHdrEnd || hdr[0] != 1 || hdr[2] != 0x03 || hdr[3] != 0x3B)
        {
            return false;
        }

        uint count = *(uint*)(hdr + 8);
        int* table = (int*)(hdr + 12);
        long lo = 0;
        long hi = (long)count - 1;
        long found = -1;
        while (lo <= hi)
        {
            long mid = (lo + hi) / 2;
            ulong start = (ulong)(hdr + table[mid * 2]);
            if (start <= pc)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found >= 0 && TryParseFde(hdr + table[(found * 2) + 1], out fde) && pc >= fde.PcBegin && pc < fde.PcEnd;
    }

    /// <summary>Runs the CIE's and the FDE's instructions for every row at or before <paramref name="pc"/>.</summary>
    public static bool TryComputeRow(in Fde fde, ulong pc, out Row row)
    {
        row = default;
        Row initial = default;
        if (!Run(fde.CieInstructions, fde.CieInstructionsEnd, in fde, ulong.MaxValue, fde.PcBegin, ref row, ref initial, true))
        {
            return false;
        }

        initial = row;
        return Run(fde.Instructions, fde.InstructionsEnd, in fde, pc, fde.PcBegin, ref row, ref initial, false);
    }

    /// <summary>Unwinds one frame: applies <paramref name="row"/> to the register display.
    /// Returns false when the row cannot be used (CFA in an unknown register).</summary>
    public static bool Apply(in Row row, ref RegDisplay regs)
    {
        ulong cfa;
        if (row.CfaRegister == 7)
        {
            cfa = regs.Sp;
        }
        else
        {
            int index = RegDisplay.IndexOfDwarfRegister(row.CfaRegister);
            fixed (RegDisplay* r = &regs)
            {
                ulong* location = index < 0 ? null : ((ulong**)r)[index];
                if (location == null)
                {
                    return false;
                }

                cfa = *location;
            }
        }

        cfa = (ulong)((long)cfa + row.CfaOffset);
        fixed (RegDisplay* r = &regs)
        {
            for (int column = 0; column < 16; column++)
            {
                int index = RegDisplay.IndexOfDwarfRegister(column);
                if (index >= 0 && row.Saved[column] != 0)
                {
                    ((ulong**)r)[index] = (ulong*)(long)((long)cfa + row.Offsets[column]);
                }
            }
        }

        long raOffset = row.Saved[ReturnAddressColumn] != 0 ? row.Offsets[ReturnAddressColumn] : -8;
        regs.Ip = *(ulong*)((long)cfa + raOffset);
        regs.Sp = cfa;
        return true;
    }

    private static bool TryParseFde(byte* fdeStart, out Fde fde)
    {
        fde = default;
        uint length = *(uint*)fdeStart;
        if (length == 0 || length == 0xFFFF_FFFF)
        {
            return false;
        }

        byte* end = fdeStart + 4 + length;
        byte* p = fdeStart + 4;
        uint ciePointer = *(uint*)p;
        if (ciePointer == 0)
        {
            return false; // a CIE, not an FDE
        }

        byte* cie = p - ciePointer;
        p += 4;
        if (!TryParseCie(cie, ref fde, out byte lsdaEncoding, out byte fdeEncoding, out bool hasAugmentation)
            || fdeEncoding != 0x1B)
        {
            return false;
        }

        fde.PcBegin = (ulong)(p + *(int*)p);
        fde.PcEnd = fde.PcBegin + *(uint*)(p + 4);
        p += 8;
        if (hasAugmentation)
        {
            ulong augmentationLength = ReadUleb(ref p);
            byte* afterAugmentation = p + augmentationLength;
            if (lsdaEncoding == 0x1B && augmentationLength >= 4)
            {
                int rel = *(int*)p;
                fde.Lsda = rel == 0 ? null : p + rel;
            }

            p = afterAugmentation;
        }

        fde.Instructions = p;
        fde.InstructionsEnd = end;
        return true;
    }

    private static bool TryParseCie(byte* cie, ref Fde fde, out byte lsdaEncoding, out byte fdeEncoding, out bool hasAugmentation)
    {
        lsdaEncoding = 0xFF;
        fdeEncoding = 0;
        hasAugmentation = false;
        uint length = *(uint*)cie;
        byte* end = cie + 4 + length;
        byte* p = cie + 8;
        byte version = *p++;
        byte* augmentation = p;
        while (*p != 0)
        {
            p++;
        }

        p++;
        fde.CodeAlign = ReadUleb(ref p);
        fde.DataAlign = ReadSleb(ref p);
        if (version == 1)
        {
            p++;
        }
        else
        {
            ReadUleb(ref p);
        }

        if (augmentation[0] == (byte)'z')
        {
            hasAugmentation = true;
            ulong augmentationLength = ReadUleb(ref p);
            byte* data = p;
            p += augmentationLength;
            for (byte* a = augmentation + 1; *a != 0; a++)
            {
                switch (*a)
                {
                    case (byte)'L':
                        lsdaEncoding = *data++;
                        break;
                    case (byte)'R':
                        fdeEncoding = *data++;
                        break;
                    case (byte)'P':
                        return false; // personality routines are never emitted for managed code
                    default:
                        return false;
                }
            }
        }

        fde.CieInstructions = p;
        fde.CieInstructionsEnd = end;
        return true;
    }

    private static bool Run(byte* p, byte* end, in Fde fde, ulong pc, ulong location, ref Row row, ref Row initial, bool isCie)
    {
        Row remembered = default;
        while (p < end)
        {
            byte op = *p++;
            int high = op & 0xC0;
            int low = op & 0x3F;
            ulong advance = 0;
            if (high == 0x40)
            {
                advance = (ulong)low * fde.CodeAlign;
            }
            else if (high == 0x80)
            {
                SetOffset(ref row, low, (long)ReadUleb(ref p) * fde.DataAlign);
                continue;
            }
            else if (high == 0xC0)
            {
                Restore(ref row, in initial, low);
                continue;
            }
            else
            {
                switch (op)
                {
                    case 0x00: // nop
                        continue;
                    case 0x02: // advance_loc1
                        advance = *p++ * fde.CodeAlign;
                        break;
                    case 0x03: // advance_loc2
                        advance = *(ushort*)p * fde.CodeAlign;
                        p += 2;
                        break;
                    case 0x04: // advance_loc4
                        advance = *(uint*)p * fde.CodeAlign;
                        p += 4;
                        break;
                    case 0x05: // offset_extended
                    {
                        int reg = (int)ReadUleb(ref p);
                        SetOffset(ref row, reg, (long)ReadUleb(ref p) * fde.DataAlign);
                        continue;
                    }

                    case 0x06: // restore_extended
                        Restore(ref row, in initial, (int)ReadUleb(ref p));
                        continue;
                    case 0x07: // undefined
                    case 0x08: // same_value
                    {
                        int reg = (int)ReadUleb(ref p);
                        if ((uint)reg < Columns)
                        {
                            row.Saved[reg] = 0;
                        }

                        continue;
                    }

                    case 0x0A: // remember_state (one level is all compilers emit in practice)
                        remembered = row;
                        continue;
                    case 0x0B: // restore_state
                        row = remembered;
                        continue;
                    case 0x0C: // def_cfa
                        row.CfaRegister = (int)ReadUleb(ref p);
                        row.CfaOffset = (long)ReadUleb(ref p);
                        continue;
                    case 0x0D: // def_cfa_register
                        row.CfaRegister = (int)ReadUleb(ref p);
                        continue;
                    case 0x0E: // def_cfa_offset
                        row.CfaOffset = (long)ReadUleb(ref p);
                        continue;
                    case 0x11: // offset_extended_sf
                    {
                        int reg = (int)ReadUleb(ref p);
                        SetOffset(ref row, reg, ReadSleb(ref p) * fde.DataAlign);
                        continue;
                    }

                    case 0x12: // def_cfa_sf
                        row.CfaRegister = (int)ReadUleb(ref p);
                        row.CfaOffset = ReadSleb(ref p) * fde.DataAlign;
                        continue;
                    case 0x13: // def_cfa_offset_sf
                        row.CfaOffset = ReadSleb(ref p) * fde.DataAlign;
                        continue;
                    case 0x2E: // GNU_args_size
                        ReadUleb(ref p);
                        continue;
                    default:
                        return false;
                }
            }

            if (!isCie)
            {
                location += advance;
                if (location > pc)
                {
                    return true;
                }
            }
        }

        return true;
    }

    private static void SetOffset(ref Row row, int reg, long offset)
    {
        if ((uint)reg < Columns)
        {
            row.Offsets[reg] = offset;
            row.Saved[reg] = 1;
        }
    }

    private static void Restore(ref Row row, in Row initial, int reg)
    {
        if ((uint)reg < Columns)
        {
            row.Offsets[reg] = initial.Offsets[reg];
            row.Saved[reg] = initial.Saved[reg];
        }
    }

    private static ulong ReadUleb(ref byte* p)
    {
        ulong result = 0;
        int shift = 0;
        byte b;
        do
        {
            b = *p++;
            if (shift < 64)
            {
                result |= (ulong)(b & 0x7F) << shift;
            }

            shift += 7;
        }
        while ((b & 0x80) != 0);
        return result;
    }

    private static long ReadSleb(ref byte* p)
    {
        long result = 0;
        int shift = 0;
        byte b;
        do
        {
            b = *p++;
            if (shift < 64)
            {
                result |= (long)(b & 0x7F) << shift;
            }

            shift += 7;
        }
        while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0)
        {
            result |= -1L << shift;
        }

        return result;
    }
}
