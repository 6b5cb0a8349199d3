using System.Runtime;
using System.Runtime.CompilerServices;
using NexOS.Abi;

namespace NexOS.UserLib.Runtime;

/// <summary>The system calls that take buffers or return values in several registers: the
/// only place besides <see cref="SyscallNative"/> that turns spans into addresses.</summary>
internal static unsafe class SyscallBuffers
{
    /// <summary>Makes system call <paramref name="number"/> with the six argument registers
    /// loaded from <paramref name="registers"/> (RDI, RSI, RDX, R10, R8, R9) and stores them back
    /// afterwards, for the IPC calls whose messages travel in registers (syscall.asm). The
    /// caller guarantees <paramref name="registers"/> points at six writable words.</summary>
    [RuntimeImport("*", "nexos_syscall_regs"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern long CallRegisters(Syscall number, ulong* registers);

    public static long CallRegisters(Syscall number, Span<ulong> registers)
    {
        fixed (ulong* r = registers)
        {
            return CallRegisters(number, r);
        }
    }

    /// <summary>(name, name length, capability slots, count, exit notification, exit bits).</summary>
    public static long Spawn(ReadOnlySpan<byte> name, ReadOnlySpan<ulong> slots, int exitNotification, ulong exitBits)
    {
        fixed (byte* n = name)
        fixed (ulong* s = slots)
        {
            return SyscallNative.Call(Syscall.ProcessSpawn, (ulong)n, (ulong)name.Length, (ulong)s, (ulong)slots.Length, (ulong)exitNotification, exitBits);
        }
    }

    /// <summary>ProcessSpawnImage: the image, command line and capabilities in one request.</summary>
    public static long SpawnImage(ReadOnlySpan<byte> image, ReadOnlySpan<byte> command, ReadOnlySpan<ulong> slots, int exitNotification, ulong exitBits)
    {
        fixed (byte* i = image)
        fixed (byte* c = command)
        fixed (ulong* s = slots)
        {
            ulong* request = stackalloc ulong[8];
            request[0] = (ulong)i;
            request[1] = (ulong)image.Length;
            request[2] = (ulong)c;
            request[3] = (ulong)command.Length;
            request[4] = (ulong)s;
            request[5] = (ulong)slots.Length;
            request[6] = (ulong)exitNotification;
            request[7] = exitBits;
            return SyscallNative.Call(Syscall.ProcessSpawnImage, (ulong)request);
        }
    }

    /// <summary>Copies a boot-archive file into <paramref name="buffer"/>; returns its length.</summary>
    public static long BootFileRead(int slot, ReadOnlySpan<byte> name, Span<byte> buffer)
    {
        fixed (byte* n = name)
        fixed (byte* b = buffer)
        {
            return SyscallNative.Call(Syscall.BootFileRead, (ulong)slot, (ulong)n, (ulong)name.Length, (ulong)b, (ulong)buffer.Length, 0);
        }
    }

    /// <summary>KernelControl with a text argument and a reply buffer.</summary>
    public static long KernelText(int slot, KernelOperation operation, ReadOnlySpan<byte> text, int consoleSlot, Span<byte> reply)
    {
        fixed (byte* t = text)
        fixed (byte* r = reply)
        {
            return SyscallNative.Call(Syscall.KernelControl, (ulong)slot, (ulong)operation, (ulong)t, (ulong)text.Length, (ulong)consoleSlot, (ulong)r);
        }
    }

    /// <summary>KernelControl RunCommandCaptured: the line in, its output into the buffer.</summary>
    public static long KernelCapture(int slot, ReadOnlySpan<byte> line, Span<byte> output)
    {
        fixed (byte* l = line)
        fixed (byte* o = output)
        {
            return SyscallNative.Call(Syscall.KernelControl, (ulong)slot, (ulong)KernelOperation.RunCommandCaptured, (ulong)l, (ulong)line.Length, (ulong)o, (ulong)output.Length);
        }
    }

    /// <summary>OutputCapture end: what the captured programs wrote, into the buffer.</summary>
    public static long EndOutputCapture(Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            return SyscallNative.Call(Syscall.OutputCapture, 2, (ulong)b, (ulong)buffer.Length);
        }
    }

    /// <summary>PatchSubmit: the patch in, the verdict out.</summary>
    public static long PatchSubmit(int slot, ReadOnlySpan<byte> patch, Span<byte> verdict)
    {
        fixed (byte* p = patch)
        fixed (byte* v = verdict)
        {
            return SyscallNative.Call(Syscall.PatchSubmit, (ulong)slot, (ulong)p, (ulong)patch.Length, (ulong)v, (ulong)verdict.Length, 0);
        }
    }

    /// <summary>KernelLogRead: waiting kernel log text into the buffer; returns the byte count.</summary>
    public static long KernelLogRead(int slot, Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            return SyscallNative.Call(Syscall.KernelLogRead, (ulong)slot, (ulong)b, (ulong)buffer.Length);
        }
    }

    /// <summary>IpcCall granting the server <paramref name="buffer"/>: the registers as for
    /// <see cref="CallRegisters(Syscall, Span{ulong})"/>, with w2 and w3 replaced by the
    /// buffer's address, length and rights (<see cref="UserAbi.GrantFlag"/>). The buffer
    /// stays pinned until the reply, so the collector cannot move it under the server.</summary>
    public static long CallGranting(Span<ulong> registers, Span<byte> buffer, ulong rights)
    {
        fixed (byte* b = buffer)
        {
            registers[1] |= UserAbi.GrantFlag;
            registers[4] = (ulong)b;
            registers[5] = (uint)buffer.Length | (rights << UserAbi.GrantRightsShift);
            return CallRegisters(Syscall.IpcCall, registers);
        }
    }

    /// <summary>IpcGrantRead (offset, buffer, length, saved reply slot or 0).</summary>
    public static long GrantRead(ulong offset, Span<byte> buffer, int saved = 0)
    {
        fixed (byte* b = buffer)
        {
            return SyscallNative.Call(Syscall.IpcGrantRead, offset, (ulong)b, (ulong)buffer.Length, (ulong)saved, 0, 0);
        }
    }

    /// <summary>IpcGrantWrite (offset, buffer, length, saved reply slot or 0).</summary>
    public static long GrantWrite(ulong offset, ReadOnlySpan<byte> buffer, int saved = 0)
    {
        fixed (byte* b = buffer)
        {
            return SyscallNative.Call(Syscall.IpcGrantWrite, offset, (ulong)b, (ulong)buffer.Length, (ulong)saved, 0, 0);
        }
    }

    /// <summary>DmaAllocate (MMIO capability, length, physical-address out pointer).</summary>
    public static long DmaAllocate(int mmio, ulong length, out ulong physical)
    {
        ulong value = 0;
        long result = SyscallNative.Call(Syscall.DmaAllocate, (ulong)mmio, length, (ulong)&value);
        physical = value;
        return result;
    }

    /// <summary>MessageInterruptCreate (MMIO capability, index, pointer to the message's
    /// address and data, 8 bytes each).</summary>
    public static long MessageInterruptCreate(int mmio, int index, out ulong address, out uint data)
    {
        ulong* message = stackalloc ulong[2];
        message[0] = 0;
        message[1] = 0;
        long result = SyscallNative.Call(Syscall.MessageInterruptCreate, (ulong)mmio, (ulong)index, (ulong)message);
        address = result < 0 ? 0 : message[0];
        data = result < 0 ? 0 : (uint)message[1];
        return result;
    }
}
