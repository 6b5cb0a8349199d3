using System.Runtime;
using System.Runtime.InteropServices;

namespace NexOS.Runtime.Exceptions;

/// <summary>
/// Enumerates a method's exception clauses for the dispatcher. ilc encodes them as compressed
/// unsigned integers: the clause count, then per clause the try start, (try length &lt;&lt; 2) |
/// kind, the handler offset, and for typed clauses a 32-bit relative pointer to the caught
/// type or for filters the filter offset. Offsets are from the main method body's start.
/// </summary>
internal static unsafe class EHClauses
{
    private const int KindTyped = 0;
    private const int KindFilter = 2;

    [RuntimeExport("RhpEHEnumInitFromStackFrameIterator")]
    private static bool Init(NativeStackFrameIterator* it, MethodRegion* region, Enumerator* e)
    {
        *region = default;
        if (!it->IsValid || (it->Method.MainFlags & MethodInfo.HasEhInfo) == 0 || it->Method.EhInfo == null)
        {
            return false;
        }

        region->HotStart = it->Method.MethodStart;
        e->MethodStart = it->Method.MethodStart;
        byte* cursor = it->Method.EhInfo;
        e->Count = DecodeUnsigned(ref cursor);
        e->Cursor = cursor;
        e->Index = 0;
        return true;
    }

    [RuntimeExport("RhpEHEnumNext")]
    private static bool Next(Enumerator* e, Clause* clause)
    {
        if (e->Index >= e->Count)
        {
            return false;
        }

        e->Index++;
        byte* p = e->Cursor;
        uint tryStart = DecodeUnsigned(ref p);
        uint lengthAndKind = DecodeUnsigned(ref p);
        uint handler = DecodeUnsigned(ref p);
        int kind = (int)(lengthAndKind & 3);
        clause->Kind = kind;
        clause->TryStartOffset = tryStart;
        clause->TryEndOffset = tryStart + (lengthAndKind >> 2);
        clause->HandlerAddress = (byte*)(e->MethodStart + handler);
        if (kind == KindTyped)
        {
            clause->TargetType = p + *(int*)p;
            p += 4;
        }
        else if (kind == KindFilter)
        {
            clause->FilterAddress = (byte*)(e->MethodStart + DecodeUnsigned(ref p));
        }

        e->Cursor = p;
        return true;
    }

    /// <summary>NativeAOT's compressed unsigned integer: the low bits of the first byte say
    /// how many bytes follow (0: 1 byte, 01: 2, 011: 3, 0111: 4, 1111: a plain u32 follows).</summary>
    public static uint DecodeUnsigned(ref byte* p)
    {
        uint b = p[0];
        if ((b & 1) == 0)
        {
            p += 1;
            return b >> 1;
        }

        if ((b & 2) == 0)
        {
            uint v = (b | ((uint)p[1] << 8)) >> 2;
            p += 2;
            return v;
        }

        if ((b & 4) == 0)
        {
            uint v = (b | ((uint)p[1] << 8) | ((uint)p[2] << 16)) >> 3;
            p += 3;
            return v;
        }

        if ((b & 8) == 0)
        {
            uint v = (b | ((uint)p[1] << 8) | ((uint)p[2] << 16) | ((uint)p[3] << 24)) >> 4;
            p += 4;
            return v;
        }

        uint value = *(uint*)(p + 1);
        p += 5;
        return value;
    }

    /// <summary>EH.MethodRegionInfo (32 bytes). NexOS never splits methods into hot and cold parts.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MethodRegion
    {
        public ulong HotStart;
        public ulong HotSize;
        public ulong ColdStart;
        public ulong ColdSize;
    }

    /// <summary>The opaque 32-byte EHEnum the dispatcher keeps on its stack.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    internal struct Enumerator
    {
        [FieldOffset(8)]
        public ulong MethodStart;

        [FieldOffset(16)]
        public byte* Cursor;

        [FieldOffset(24)]
        public uint Index;

        [FieldOffset(28)]
        public uint Count;
    }

    /// <summary>RhEHClause (40 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 40)]
    internal struct Clause
    {
        [FieldOffset(0)]
        public int Kind;

        [FieldOffset(4)]
        public uint TryStartOffset;

        [FieldOffset(8)]
        public uint TryEndOffset;

        [FieldOffset(16)]
        public byte* FilterAddress;

        [FieldOffset(24)]
        public byte* HandlerAddress;

        [FieldOffset(32)]
        public void* TargetType;
    }
}
