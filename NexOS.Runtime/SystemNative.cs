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

    // FIXME: Free gives nothing back: native blocks come from the boot heap, which never
    // frees (the class library asks for few, mostly for good).
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

    // Anonymous memory, as the platform has it: in the kernel from the boot heap (which
    // cannot give memory back, so unmapping fails and only read-write protection succeeds),
    // in user programs through MemoryMap, MemoryUnmap and MemoryProtect. Failures set errno
    // and return the shim contract's failure value.
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_MMap")]
    private static void* MMap(void* address, ulong length, int protection, int flags, nint fd, long offset)
    {
        void* p = length == 0 ? null : RuntimePlatform.MapMemory(length, protection);
        if (p == null)
        {
            s_errno = 12; // ENOMEM; the class library's shim contract is NULL on failure
        }

        return p;
    }

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_MUnmap")]
    private static int MUnmap(void* address, ulong length) => Result(RuntimePlatform.UnmapMemory(address, length));

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_MProtect")]
    private static int MProtect(void* address, ulong length, int protection) => Result(RuntimePlatform.ProtectMemory(address, length, protection));

    private static int Result(bool done)
    {
        if (!done)
        {
            s_errno = 22; // EINVAL
        }

        return done ? 0 : -1;
    }
}
