using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>
/// The program's address space (system calls MemoryMap, MemoryUnmap, MemoryProtect).
/// Addresses and lengths are whole 4 KiB pages in user space. The runtime layer maps its own
/// heaps at fixed addresses in [0x100_0000_0000, 0x200_4000_0000); keep fixed mappings out of
/// that range.
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
