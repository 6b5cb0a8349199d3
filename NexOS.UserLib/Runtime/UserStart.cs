using System.Runtime;
using NexOS.Abi;
using NexOS.Core.Memory;
using NexOS.Runtime;
using NexOS.Runtime.Gc;

namespace NexOS.UserLib.Runtime;

/// <summary>
/// The C# half of a program's start (Arch/X64/start.asm has the order): the boot heap and
/// the platform's view of the process before the class library starts, then the collected
/// heap and the report of an exception nothing caught before Main runs.
/// </summary>
internal static unsafe class UserStart
{
    /// <summary>The boot heap's chunks: reserved, so only the pages used cost memory, but its
    /// card table (one byte per 512 bytes of the first chunk) is made at once.</summary>
    private const ulong BootChunk = 16UL << 20;

    /// <summary>The most the main stack grows to (the loader's limit).</summary>
    private const ulong MainStackBytes = 1UL << 20;

    private const ulong AtNull = 0;
    private const ulong AtRandom = 25;
    private const int MaxStartWords = 4096;

    /// <summary>
    /// Runs before any object exists: no allocation, no interface calls, no static field with
    /// an initialiser. <paramref name="startBlock"/> is the loader's System V start block and
    /// <paramref name="threadPointer"/> the TLS block start.asm made. Returns 0 when the boot
    /// heap or the collected heap's window cannot be reserved (start.asm then exits with 134).
    /// </summary>
    [RuntimeExport("NexOSUserEarlyInit")]
    private static int EarlyInit(ulong* startBlock, ulong threadPointer)
    {
        // NexOS's loader puts the main stack at the top of user space. Elsewhere (a host test
        // under Linux) the stack is taken to end at the next 64 KiB boundary above the block.
        ulong block = (ulong)startBlock;
        ulong high = block >= UserAbi.UserTop - MainStackBytes && block < UserAbi.UserTop ? UserAbi.UserTop : (block + 0xFFFF) & ~0xFFFFUL;
        RuntimePlatform.InitializeProcess(high - MainStackBytes, high, block, threadPointer, ReadRandom(startBlock));
        RuntimePlatform.SetProgramName(startBlock[0] > 0 ? (byte*)startBlock[1] : null);
        PhysRange first = TakeBootChunk(BootChunk);
        if (first.Length == 0 || !RuntimePlatform.ReserveHeapWindow())
        {
            return 0;
        }

        BootHeap.Initialize(first);
        BootHeap.Grow = &TakeBootChunk;
        return 1;
    }

    /// <summary>Runs after the class library has started: the collected heap takes over
    /// allocation, and an exception nothing catches is reported and ends the program.</summary>
    [RuntimeExport("NexOSUserStart")]
    private static void Start()
    {
        GcHeap.Initialize();
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
    }

    /// <summary>A new boot-heap chunk of at least <paramref name="bytes"/>, or an empty range.</summary>
    private static PhysRange TakeBootChunk(ulong bytes)
    {
        ulong length = Math.Max(BootChunk, (bytes + BootChunk - 1) & ~(BootChunk - 1));
        if (length < bytes || !RuntimePlatform.TryMap(length, out ulong start))
        {
            return default;
        }

        return new PhysRange(new PhysAddr(start), new PhysAddr(start + length));
    }

    /// <summary>The first eight of the 16 random bytes the loader's AT_RANDOM entry points at,
    /// or 0. Walks argv and envp to the auxiliary vector, every loop bounded. The caller
    /// guarantees that <paramref name="block"/> is the loader's start block.</summary>
    private static ulong ReadRandom(ulong* block)
    {
        int i = 1 + (int)Math.Min(block[0], MaxStartWords) + 1; // argc, argv..., NULL
        while (i < MaxStartWords && block[i] != 0)
        {
            i++; // envp...
        }

        for (i++; i + 1 < MaxStartWords && block[i] != AtNull; i += 2)
        {
            if (block[i] == AtRandom && block[i + 1] != 0)
            {
                return *(ulong*)block[i + 1];
            }
        }

        return 0;
    }

    private static void OnUnhandledException(object sender, UnhandledExceptionEventArgs args)
    {
        var e = args.ExceptionObject as Exception;
        string type = e?.GetType().FullName ?? "?";
        SyscallNative.LogWrite($"Unhandled exception: {type}: {e?.Message}\n");
        string? trace = null;
        try
        {
            trace = e?.StackTrace;
        }
        catch (Exception)
        {
            // The trace is a courtesy; the report must get out without it.
        }

        SyscallNative.LogWrite((trace ?? "   (no stack trace)") + "\n");
        SyscallNative.Exit(RuntimePlatform.PanicExitCode);
    }
}
