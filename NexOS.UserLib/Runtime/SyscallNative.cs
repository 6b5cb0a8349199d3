using System.Diagnostics.CodeAnalysis;
using System.Runtime;
using System.Runtime.CompilerServices;
using NexOS.Abi;

namespace NexOS.UserLib.Runtime;

/// <summary>The one way into the kernel: <c>nexos_syscall6</c> in Arch/X64/start.asm, and the
/// calls that take pointers, whose arguments only this file turns into addresses.</summary>
internal static unsafe class SyscallNative
{
    /// <summary>Makes system call <paramref name="number"/>; returns RAX (a negated
    /// <see cref="SyscallStatus"/> on failure). No GC transition: a program has one thread,
    /// which is the collector's. The kernel checks every address it is given; the caller
    /// guarantees that a call which changes the address space (MemoryUnmap, MemoryProtect)
    /// leaves the memory the runtime layer and the program still use alone.</summary>
    [RuntimeImport("*", "nexos_syscall6"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern long Call(Syscall number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5);

    public static long Call(Syscall number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0) => Call(number, a0, a1, a2, 0, 0, 0);

    /// <summary>Writes UTF-8 bytes to the kernel log, in pieces the kernel accepts.</summary>
    public static void LogWrite(ReadOnlySpan<byte> text)
    {
        fixed (byte* p = text)
        {
            for (int done = 0; done < text.Length;)
            {
                int piece = Math.Min(text.Length - done, UserAbi.MaxLogWrite);
                if (Call(Syscall.LogWrite, (ulong)(p + done), (ulong)piece) < 0)
                {
                    return;
                }

                done += piece;
            }
        }
    }

    /// <summary>Writes UTF-16 text as UTF-8 through a small stack buffer, without allocating.</summary>
    public static void LogWrite(ReadOnlySpan<char> text)
    {
        Span<byte> buffer = stackalloc byte[256];
        while (!text.IsEmpty)
        {
            System.Text.Unicode.Utf8.FromUtf16(text, buffer, out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            LogWrite(buffer[..written]);
            text = text[read..];
        }
    }

    /// <summary>Ends the process.</summary>
    [DoesNotReturn]
    public static void Exit(int code)
    {
        while (true)
        {
            Call(Syscall.ProcessExit, (ulong)(long)code);
        }
    }
}
