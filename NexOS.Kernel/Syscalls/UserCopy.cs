using NexOS.Abi;
using NexOS.Core.Loader;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Processes;

namespace NexOS.Kernel.Syscalls;

/// <summary>Copies between a process's memory and the kernel for the calls that move whole
/// buffers: the checked copies of NexOS.Core over the process's address space, through the
/// kernel's window on physical frames. Nothing to copy is always Ok.</summary>
internal static class UserCopy
{
    /// <summary>Copies <paramref name="bytes"/>.Length bytes from <paramref name="address"/>.</summary>
    public static UserAccessStatus In(Process process, ulong address, Span<byte> bytes) =>
        bytes.Length == 0 ? UserAccessStatus.Ok : UserMemory.CopyIn(process.Space, VirtualMemory.FrameBytes, UserAbi.UserTop, address, bytes);

    /// <summary>True when [address, +length) is the process's writable memory, giving pages it
    /// reserved but never touched on demand (as a touch would): the check a call makes before
    /// it does anything it would have to undo when its answer cannot be written.</summary>
    public static bool Writable(Process process, ulong address, ulong length)
    {
        if (UserMemory.Check(process.Space, UserAbi.UserTop, address, length, write: true) == UserAccessStatus.Ok)
        {
            return true;
        }

        ulong flags = InterruptState.Disable();
        ProcessMemory.FaultIn(process, address, length, write: true);
        InterruptState.Restore(flags);
        return UserMemory.Check(process.Space, UserAbi.UserTop, address, length, write: true) == UserAccessStatus.Ok;
    }

    /// <summary>Copies <paramref name="bytes"/> to <paramref name="address"/>.</summary>
    public static UserAccessStatus Out(Process process, ulong address, ReadOnlySpan<byte> bytes) =>
        bytes.Length == 0 ? UserAccessStatus.Ok : UserMemory.CopyOut(process.Space, VirtualMemory.FrameBytes, UserAbi.UserTop, address, bytes);
}
