using NexOS.Kernel.Processes;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// The kernel's command service behind <see cref="NexOS.Abi.Syscall.KernelControl"/>: it runs
/// the kernel's command set, which lives at the composition root above this layer, so the
/// root passes it in (<see cref="SyscallDispatcher.SetKernelControl"/>). Until then the call
/// answers NotImplemented.
/// </summary>
internal interface IKernelControl
{
    /// <summary>Runs operation <paramref name="operation"/> for <paramref name="me"/> of
    /// <paramref name="process"/> on the capability in <paramref name="slot"/>; a system-call
    /// result (a value, or a negative status).</summary>
    long Invoke(Process process, KernelThread me, ulong slot, ulong operation, ulong a, ulong b, ulong c, ulong d);
}
