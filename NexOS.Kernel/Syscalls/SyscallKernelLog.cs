using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Loader;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Platform;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// KernelLogRead: the console service takes the kernel's log lines and prints them between
/// its own writes. Needs a KernelLog capability with the Wait right; init hands it to the
/// console service. Until the composition root opens the ring (user space owns COM1), there
/// is nothing to read.
/// </summary>
internal static class SyscallKernelLog
{
    /// <summary>The most bytes one call moves.</summary>
    public const int MaxRead = 4096;

    private static KernelLogRing? s_ring;

    /// <summary>The kernel object a KernelLog capability names.</summary>
    public static KernelObjectHandle Handle { get; } = new((uint)CapabilityKind.KernelLog, typeof(SyscallKernelLog));

    /// <summary>Where the log waits; the composition root, while user space owns the console.</summary>
    public static void SetRing(KernelLogRing? ring) => s_ring = ring;

    /// <summary>Moves up to <paramref name="capacity"/> bytes of waiting log text to
    /// <paramref name="buffer"/>; the byte count, or a negative status: a bad capability or a
    /// capacity over <see cref="MaxRead"/> (nothing taken), a bad address (the text taken is
    /// lost, as a console that cannot print it would lose it).</summary>
    public static long Read(Process process, KernelThread me, ulong slot, ulong buffer, ulong capacity)
    {
        if (SyscallCapabilities.Find<object>(me, slot, IpcRights.Wait, CapabilityKind.KernelLog, out long refused) == null)
        {
            return refused;
        }

        if (capacity > MaxRead)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        KernelLogRing? ring = s_ring;
        if (ring == null || capacity == 0)
        {
            return 0;
        }

        Span<byte> text = stackalloc byte[(int)capacity];
        int n = ring.Read(text);
        if (n > 0 && UserCopy.Out(process, buffer, text[..n]) != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        return n;
    }
}
