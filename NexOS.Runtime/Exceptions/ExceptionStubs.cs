using System.Runtime.CompilerServices;

namespace NexOS.Runtime.Exceptions;

/// <summary>The return addresses inside exceptions.asm that the stack walker must recognise,
/// and the head of the active ExInfo chain (one thread today).</summary>
internal static unsafe class ExceptionStubs
{
    public static ulong ThrowEx2 => Table()[0];

    public static ulong Rethrow2 => Table()[1];

    public static ulong ThrowHwEx2 => Table()[2];

    public static ulong CallCatchFunclet2 => Table()[3];

    public static ulong CallFinallyFunclet2 => Table()[4];

    public static ulong CallFilterFunclet2 => Table()[5];

    public static ExInfo* ExInfoHead => *(ExInfo**)Table()[6];

    /// <summary>The chain head's storage; the scheduler swaps it per thread.</summary>
    public static ulong* ExInfoHeadSlot => (ulong*)Table()[6];

    /// <summary>Entry of the hardware-fault thrower: jump there with RSP = the faulting RSP,
    /// RDI = the fault's exception code and RSI = the faulting instruction's address.</summary>
    public static ulong ThrowHwEx => Table()[7];

    public static bool IsThrowSite(ulong ip) => ip == ThrowEx2 || ip == Rethrow2 || ip == ThrowHwEx2;

    /// <summary>Local slots of the helper frame that returns to <paramref name="ip"/>, or 0
    /// when <paramref name="ip"/> is not a funclet-calling helper.</summary>
    public static int HelperFrameSlots(ulong ip)
    {
        if (ip == CallCatchFunclet2)
        {
            return 7;
        }

        if (ip == CallFinallyFunclet2)
        {
            return 3;
        }

        return ip == CallFilterFunclet2 ? 1 : 0;
    }

    [System.Runtime.RuntimeImport("*", "nexos_exception_stubs"), MethodImpl(MethodImplOptions.InternalCall)]
    private static extern ulong* Table();
}
