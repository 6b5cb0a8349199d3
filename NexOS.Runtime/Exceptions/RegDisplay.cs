using System.Runtime.InteropServices;

namespace NexOS.Runtime.Exceptions;

/// <summary>
/// REGDISPLAY as the class library and exceptions.asm see it (136 bytes): for each general
/// register, a pointer to the stack slot or context field that holds its value in the frame
/// being looked at; then the frame's SP and IP as values.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RegDisplay
{
    public const int PointerCount = 15;

    public ulong* PRax;
    public ulong* PRcx;
    public ulong* PRdx;
    public ulong* PRbx;
    public ulong* PRbp;
    public ulong* PRsi;
    public ulong* PRdi;
    public ulong* PR8;
    public ulong* PR9;
    public ulong* PR10;
    public ulong* PR11;
    public ulong* PR12;
    public ulong* PR13;
    public ulong* PR14;
    public ulong* PR15;
    public ulong Sp;
    public ulong Ip;

    /// <summary>Maps a DWARF register number (0-15, not 7 = RSP) to its pointer's index, or -1.</summary>
    public static int IndexOfDwarfRegister(int dwarf) => dwarf switch
    {
        0 => 0, // rax
        1 => 2, // rdx
        2 => 1, // rcx
        3 => 3, // rbx
        4 => 5, // rsi
        5 => 6, // rdi
        6 => 4, // rbp
        >= 8 and <= 15 => dwarf - 1,
        _ => -1,
    };
}

/// <summary>PAL_LIMITED_CONTEXT (80 bytes): the registers of a throw site, built by
/// exceptions.asm on the stack.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LimitedContext
{
    public ulong Ip;
    public ulong Rsp;
    public ulong Rbp;
    public ulong Rax;
    public ulong Rbx;
    public ulong Rdx;
    public ulong R12;
    public ulong R13;
    public ulong R14;
    public ulong R15;
}

/// <summary>The fields of the class library's ExInfo (400 bytes) that the native side uses.</summary>
[StructLayout(LayoutKind.Explicit, Size = 400)]
internal unsafe struct ExInfo
{
    public const byte SupersededFlag = 8;

    [FieldOffset(0)]
    public ExInfo* Previous;

    [FieldOffset(8)]
    public LimitedContext* Context;

    [FieldOffset(24)]
    public byte Kind;

    [FieldOffset(25)]
    public byte PassNumber;

    [FieldOffset(28)]
    public uint CurrentClause;

    [FieldOffset(32)]
    public NativeStackFrameIterator FrameIterator;
}
