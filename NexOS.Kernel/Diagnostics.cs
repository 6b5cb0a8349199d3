using NexOS.Kernel.Platform;
using NexOS.Services.Shell;

namespace NexOS.Kernel;

/// <summary>
/// The `crash` shell command: provokes a CPU fault on purpose, so the fault reports (and the
/// boot tests that check them) can be exercised on a running system.
/// </summary>
internal static unsafe class Diagnostics
{
    private const string Usage = "usage: crash pagefault|gpf|invalid-opcode|divide|stack-overflow|big-frame";

    public static void Register(Shell shell) =>
        shell.Register("crash", "provoke a CPU fault to test fault reports (" + Usage[13..] + ")", Crash);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int Recurse(int depth)
    {
        Span<byte> frame = stackalloc byte[256];
        frame[depth & 255] = (byte)depth;
        return Recurse(depth + 1) + frame[(depth + 1) & 255];
    }

    /// <summary>One 64 KiB frame, more than a whole thread stack: its prolog's stack probe must
    /// run into the guard page before anything writes below it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int BigFrame(int seed)
    {
        StackFrameBlock frame = default;
        frame[seed & (StackFrameBlock.Length - 1)] = (byte)seed;
        return frame[(seed * 7) & (StackFrameBlock.Length - 1)];
    }

    private static void Crash(IShellHost host, ReadOnlySpan<string> args)
    {
        string kind = args.Length == 1 ? args[0] : "";
        switch (kind)
        {
            case "pagefault":
                // Beyond the 4 GiB the boot page tables map.
                host.Write($"{*(ulong*)0x10_0000_0000UL}\n");
                break;
            case "gpf":
                // A non-canonical address.
                host.Write($"{*(ulong*)0x8000_0000_0000_0000UL}\n");
                break;
            case "invalid-opcode":
                Native.InvalidOpcode();
                break;
            case "divide":
                int zero = args.Length > 5 ? 1 : 0; // not a constant, so the compiler cannot fold it
                host.Write($"{100 / zero}\n");
                break;
            case "stack-overflow":
                // In a thread of its own, whose guarded stack the recursion runs off.
                Threading.Scheduler.Join(Threading.Scheduler.Spawn("overflow", () => Recurse(0)));
                break;
            case "big-frame":
                // One frame larger than the whole stack: without a probe of every page it would
                // step over the guard page and write into whatever lies below it.
                int seed = args.Length;
                Threading.Scheduler.Join(Threading.Scheduler.Spawn("big-frame", () => BigFrame(seed)));
                break;
            default:
                host.Write(Usage + "\n");
                break;
        }
    }
}

/// <summary>64 KiB of bytes as one local: a frame too large for a thread's 60 KiB stack.</summary>
[System.Runtime.CompilerServices.InlineArray(Length)]
internal struct StackFrameBlock
{
    /// <summary>Its size in bytes.</summary>
    public const int Length = 64 * 1024;

    private byte _first;
}
