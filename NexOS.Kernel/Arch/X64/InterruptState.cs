using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>Saving, disabling and restoring the interrupt flag around critical sections.</summary>
internal static class InterruptState
{
    private const ulong InterruptFlag = 1 << 9;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ulong Disable() => Native.SaveFlagsAndDisableInterrupts();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Restore(ulong flags)
    {
        if ((flags & InterruptFlag) != 0)
        {
            Native.EnableInterrupts();
        }
    }
}
