using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.Runtime;

/// <summary>
/// Memory for the runtime layer in a user program. MemoryMap only reserves (each page gets a
/// zeroed frame at its first touch) and a program may hold 1,024 regions, so the collected
/// heap reserves one 1 GiB window at start and hands out blocks of it by bumping, aligned to
/// their size. A freed block stays mapped and waits, on a list per order threaded through its
/// first word, for the next request of its order. FIXME: freed memory is not given back to the
/// kernel (MemoryUnmap would split the region, and mapping it again costs a region each time).
/// </summary>
internal static unsafe partial class RuntimePlatform
{
    /// <summary>The collected heap's window. Its page map costs 8 bytes per 64 KiB (128 KiB).</summary>
    public const ulong HeapWindowBytes = 1UL << 30;

    /// <summary>The largest block: the whole window.</summary>
    private const int MaxOrder = 30 - 12;

    private static ulong s_heapStart;
    private static ulong s_heapEnd;
    private static ulong s_heapNext;
    private static ulong* s_freeHeads;

    /// <summary>Reserves <paramref name="bytes"/> of zeroed read-write memory where the kernel
    /// picks; false when it refuses.</summary>
    public static bool TryMap(ulong bytes, out ulong address)
    {
        long mapped = SyscallNative.Call(Syscall.MemoryMap, 0, bytes, (ulong)(Protection.Read | Protection.Write));
        address = mapped < 0 ? 0 : (ulong)mapped;
        return mapped > 0;
    }

    /// <summary>Reserves the collected heap's window. Called once by the start code, before
    /// any object exists.</summary>
    public static bool ReserveHeapWindow()
    {
        if (!TryMap(HeapWindowBytes, out ulong start))
        {
            return false;
        }

        s_heapStart = start;
        s_heapNext = start;
        s_heapEnd = start + HeapWindowBytes;
        return true;
    }

    public static partial bool TryAllocatePages(int order, out ulong address)
    {
        address = 0;
        if (order < 0 || order > MaxOrder)
        {
            return false;
        }

        if (s_freeHeads != null && s_freeHeads[order] != 0)
        {
            address = s_freeHeads[order];
            s_freeHeads[order] = *(ulong*)address;
            return true;
        }

        ulong bytes = 4096UL << order;
        ulong start = (s_heapNext + bytes - 1) & ~(bytes - 1);
        if (start < s_heapNext || start >= s_heapEnd || bytes > s_heapEnd - start)
        {
            return false;
        }

        s_heapNext = start + bytes;
        address = start;
        return true;
    }

    /// <summary>Keeps the block for the next request of its order (see the class summary).
    /// The caller guarantees it came from <see cref="TryAllocatePages"/> with this order and
    /// that nothing uses it any more.</summary>
    public static partial void FreePages(ulong address, int order)
    {
        if (s_freeHeads == null)
        {
            s_freeHeads = (ulong*)BootHeap.Allocate((MaxOrder + 1) * sizeof(ulong));
        }

        if (s_freeHeads != null && order >= 0 && order <= MaxOrder)
        {
            *(ulong*)address = s_freeHeads[order];
            s_freeHeads[order] = address;
        }
    }

    public static partial void GetPageSpan(out ulong start, out ulong end)
    {
        start = s_heapStart;
        end = s_heapEnd;
    }

    /// <summary>MemoryMap: reserved, zeroed on first touch. POSIX PROT_READ 1, PROT_WRITE 2 and
    /// PROT_EXEC 4 are the ABI's Protection bits.</summary>
    public static partial void* MapMemory(ulong length, int protection)
    {
        long mapped = SyscallNative.Call(Syscall.MemoryMap, 0, length, (ulong)(protection & 7));
        return mapped > 0 ? (void*)mapped : null;
    }

    public static partial bool UnmapMemory(void* address, ulong length) =>
        SyscallNative.Call(Syscall.MemoryUnmap, (ulong)address, (length + 4095) & ~4095UL) == 0;

    public static partial bool ProtectMemory(void* address, ulong length, int protection) =>
        SyscallNative.Call(Syscall.MemoryProtect, (ulong)address, (length + 4095) & ~4095UL, (ulong)(protection & 7)) == 0;
}
