using System.Runtime.InteropServices;

namespace NexOS.Runtime.Exceptions;

/// <summary>
/// The native half of the class library's StackFrameIterator (360 bytes). The class library
/// reads FramePointer, ControlPc, Regs (SP), OriginalControlPc and PreviousTransitionFrame at
/// these exact offsets; the bytes between are the runtime layer's own.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 360)]
internal unsafe struct NativeStackFrameIterator
{
    public const uint ExCollide = 0x04;
    public const uint UnwoundReversePInvoke = 0x20;

    [FieldOffset(16)]
    public ulong FramePointer;

    /// <summary>The frame's code address, minus one when it is a return address so that it
    /// falls inside the call instruction's try region.</summary>
    [FieldOffset(24)]
    public ulong ControlPc;

    [FieldOffset(32)]
    public RegDisplay Regs;

    [FieldOffset(168)]
    public MethodInfo Method;

    [FieldOffset(200)]
    public uint Flags;

    [FieldOffset(208)]
    public ExInfo* NextExInfo;

    [FieldOffset(216)]
    public FuncletRegisters SavedFuncletRegisters;

    [FieldOffset(344)]
    public ulong OriginalControlPc;

    [FieldOffset(352)]
    public ulong PreviousTransitionFrame;

    public bool IsValid => ControlPc != 0;
}

/// <summary>Where a funclet's callee-saved registers live, kept across a collision.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuncletRegisters
{
    public ulong* Rbp;
    public ulong* Rbx;
    public ulong* R12;
    public ulong* R13;
    public ulong* R14;
    public ulong* R15;

    public static FuncletRegisters Capture(in RegDisplay regs) => new()
    {
        Rbp = regs.PRbp,
        Rbx = regs.PRbx,
        R12 = regs.PR12,
        R13 = regs.PR13,
        R14 = regs.PR14,
        R15 = regs.PR15,
    };

    public readonly void RestoreInto(ref RegDisplay regs)
    {
        regs.PRbp = Rbp;
        regs.PRbx = Rbx;
        regs.PR12 = R12;
        regs.PR13 = R13;
        regs.PR14 = R14;
        regs.PR15 = R15;
    }
}
