using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>
/// The program's address space (system calls MemoryMap, MemoryUnmap, MemoryProtect).
/// Mappings are anonymous, zeroed on first touch, and whole 4 KiB pages; docs/syscalls.md
/// has the kernel's rules (where memory goes, how many regions a program may hold). The
/// runtime layer's heaps are regions of their own, reserved through the same call.
/// </summary>
public static class Memory
{
    /// <summary>Maps <paramref name="length"/> bytes of zeroed memory at
    /// <paramref name="address"/>, or where the kernel picks when it is 0; the mapping's
    /// address comes back in <paramref name="mapped"/>.</summary>
    public static SyscallStatus Map(ulong address, ulong length, Protection protection, out ulong mapped)
    {
        long result = SyscallNative.Call(Syscall.MemoryMap, address, length, (ulong)protection);
        mapped = result < 0 ? 0 : (ulong)result;
        return Syscalls.StatusOf(result);
    }

    /// <summary>Unmaps the pages of [address, address + length) and frees their memory.</summary>
    public static SyscallStatus Unmap(ulong address, ulong length) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.MemoryUnmap, address, length));

    /// <summary>Changes the protection of mapped pages.</summary>
    public static SyscallStatus Protect(ulong address, ulong length, Protection protection) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.MemoryProtect, address, length, (ulong)protection));
}
