using System.Runtime.InteropServices;

namespace NexOS.Runtime;

/// <summary>
/// The System.Native functions the class library calls on Linux, answered by the kernel:
/// clocks from the TSC, memory from the kernel heap, errno in a field.
/// </summary>
internal static unsafe class SystemNative
{
    private static int s_errno;
    private static ulong s_random;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_GetTimestamp")]
    private static long GetTimestamp() => (long)RuntimePlatform.NanosecondsSinceStart();

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_GetLowResolutionTimestamp")]
    private static long GetLowResolutionTimestamp() => (long)(RuntimePlatform.NanosecondsSinceStart() / 1_000_000);

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_GetNonCryptographicallySecureRandomBytes")]
    private static void GetRandomBytes(byte* buffer, int length)
    {
        if (s_random == 0)
        {
            s_random = RuntimePlatform.Entropy() | 1;
        }

        for (int i = 0; i < length; i++)
        {
            // xorshift64*
            s_random ^= s_random >> 12;
            s_random ^= s_random << 25;
            s_random ^= s_random >> 27;
            buffer[i] = (byte)((s_random * 0x2545F4914F6CDD1DUL) >> 56);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_SchedGetCpu")]
    private static int SchedGetCpu() => 0;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_GetErrNo")]
    private static int GetErrNo() => s_errno;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_SetErrNo")]
    private static void SetErrNo(int value) => s_errno = value;

    // FIXME: Free leaks until the microkernel core brings a real allocator.
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_Malloc")]
    private static void* Malloc(nuint size) => BootHeap.Allocate(size == 0 ? 1 : size);

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_Free")]
    private static void Free(void* pointer)
    {
    }

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_GetEnv")]
    private static byte* GetEnv(byte* name) => null;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LogError")]
    private static void LogError(byte* message, int length) => RuntimePlatform.Write(new ReadOnlySpan<byte>(message, Math.Max(length, 0)));

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_Abort")]
    private static void Abort() => Panic.Halt("abort() called by the class library");

    // Anonymous memory from the boot heap, page aligned. FIXME: boot-heap memory cannot be
    // given back or have its access changed, so MUnmap and MProtect report success without
    // acting. Their one caller in the class library is the frozen object heap, which reserves
    // with MMap and commits with MProtect (read-write, which the memory already is). Mappings
    // that do what they say (frames and page tables, as user programs will need) are issue 15's.
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_MMap")]
    private static void* MMap(void* address, ulong length, int protection, int flags, nint fd, long offset)
    {
        const ulong page = 4096;
        byte* p = (byte*)BootHeap.Allocate(length + page);
        if (p == null)
        {
            s_errno = 12; // ENOMEM; the class library's shim contract is NULL on failure
            return null;
        }

        return (void*)(((ulong)p + page - 1) & ~(page - 1));
    }

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_MUnmap")]
    private static int MUnmap(void* address, ulong length) => 0;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_MProtect")]
    private static int MProtect(void* address, ulong length, int protection) => 0;
}
