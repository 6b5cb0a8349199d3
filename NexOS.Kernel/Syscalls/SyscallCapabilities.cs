using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// Decoding a capability argument, the first guard of most system calls: the slot must be in
/// the caller's table and hold a capability with the rights the call needs, naming a kernel
/// object of the kind the call works on. Allocation-free; no state.
/// </summary>
internal static class SyscallCapabilities
{
    /// <summary>The object of <paramref name="kind"/> (a <typeparamref name="T"/>) that
    /// <paramref name="slot"/> names with <paramref name="needed"/> rights; or null, with the
    /// system-call result to return in <paramref name="error"/>: BadCapability (a slot outside
    /// the table, or empty), NoRights, or WrongKind.</summary>
    public static T? Find<T>(KernelThread me, ulong slot, IpcRights needed, CapabilityKind kind, out long error)
        where T : class
    {
        error = SyscallResult.Fail(SyscallStatus.BadCapability);
        if (slot >= (ulong)me.Ipc.Capabilities.Size)
        {
            return null;
        }

        IpcStatus status = me.Ipc.Capabilities.Lookup((int)slot, needed, out KernelObjectHandle? handle, out _);
        if (status != IpcStatus.Ok || handle == null)
        {
            error = SyscallIpc.Result(status);
            return null;
        }

        if (handle.Kind != (uint)kind || handle.Target is not T target)
        {
            error = SyscallResult.Fail(SyscallStatus.WrongKind);
            return null;
        }

        error = 0;
        return target;
    }
}
