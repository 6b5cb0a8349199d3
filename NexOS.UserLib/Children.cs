using System.Text;
using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>Starting, waiting for and ending other processes, and reading the boot archive.</summary>
public static class Children
{
    /// <summary>
    /// Starts a program from the boot archive: <paramref name="name"/> is its name, optionally
    /// followed by arguments separated by spaces. It gets the capabilities in
    /// <paramref name="slots"/> (they appear in its slots 1, 2, ...); when it ends, the kernel
    /// raises <paramref name="exitBits"/> on notification <paramref name="exitNotification"/>
    /// (0: none). Returns the slot of the new process's capability, or a negated status.
    /// </summary>
    public static long Spawn(string name, ReadOnlySpan<ulong> slots, int exitNotification = 0, ulong exitBits = 0)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(name.Length)];
        int n = Encoding.UTF8.GetBytes(name, bytes);
        return SyscallBuffers.Spawn(bytes[..n], slots, exitNotification, exitBits);
    }

    /// <summary>Starts a program from its ELF <paramref name="image"/> (read from a disk);
    /// <paramref name="command"/> is its path and arguments. Otherwise as <see cref="Spawn"/>.</summary>
    public static long SpawnImage(ReadOnlySpan<byte> image, string command, ReadOnlySpan<ulong> slots, int exitNotification = 0, ulong exitBits = 0)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(command);
        return SyscallBuffers.SpawnImage(image, bytes, slots, exitNotification, exitBits);
    }

    /// <summary>Waits for the process (at most <paramref name="timeoutNs"/>; 0: no limit);
    /// returns its exit code (low 32 bits) or a negated status.</summary>
    public static long Wait(int process, ulong timeoutNs = 0) =>
        SyscallNative.Call(Syscall.ProcessWait, (ulong)process, timeoutNs);

    /// <summary>Ends the process.</summary>
    public static SyscallStatus Kill(int process) => Syscalls.StatusOf(SyscallNative.Call(Syscall.ProcessKill, (ulong)process));

    /// <summary>The process id (as `ps` shows it) of the process capability in
    /// <paramref name="process"/>, or a negated status (WrongKind for another kind of capability).</summary>
    public static long ProcessId(int process)
    {
        long described = SyscallNative.Call(Syscall.CapabilityInspect, (ulong)process);
        if (described < 0)
        {
            return described;
        }

        return (CapabilityKind)((described >> 32) & 0xFF) == CapabilityKind.Process
            ? described >> UserAbi.InspectIdShift
            : -(long)SyscallStatus.WrongKind;
    }

    /// <summary>Describes the capability in <paramref name="slot"/>: its kind in bits 32-39
    /// and rights in bits 0-31 (CapabilityInspect), or a negated status for an empty slot.</summary>
    public static long Inspect(int slot) => SyscallNative.Call(Syscall.CapabilityInspect, (ulong)slot);

    /// <summary>Copies a capability keeping only <paramref name="rights"/> (of those it has);
    /// <paramref name="badge"/> 0 keeps the source's badge, another value mints a badged copy
    /// of an unbadged capability. Returns the new slot or a negated status.</summary>
    public static long Copy(int slot, ulong rights, ulong badge = 0) => SyscallNative.Call(Syscall.CapabilityCopy, (ulong)slot, rights, badge);

    /// <summary>From now on, what the programs this process starts write to the log is kept
    /// (up to <paramref name="capacity"/> bytes, at most 1 MiB) instead of shown, until
    /// <see cref="EndOutputCapture"/>: output redirection.</summary>
    public static SyscallStatus BeginOutputCapture(int capacity) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.OutputCapture, 1, 0, (ulong)Math.Max(0, capacity)));

    /// <summary>Ends the capture and returns what was kept (up to <paramref name="capacity"/>
    /// bytes; <paramref name="cut"/> when there was more), or an empty string with the status.</summary>
    public static string EndOutputCapture(int capacity, out bool cut, out SyscallStatus status)
    {
        byte[] buffer = new byte[Math.Clamp(capacity, 0, UserAbi.MaxCapturedOutput)];
        long total = SyscallBuffers.EndOutputCapture(buffer);
        status = Syscalls.StatusOf(total);
        cut = total > buffer.Length;
        return total < 0 ? "" : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)Math.Min(total, buffer.Length));
    }

    /// <summary>Empties a capability slot.</summary>
    public static SyscallStatus Close(int slot) => Syscalls.StatusOf(SyscallNative.Call(Syscall.CapabilityClose, (ulong)slot));

    /// <summary>Reads boot-archive file <paramref name="name"/> whole; null with the status
    /// in <paramref name="status"/> when it cannot.</summary>
    public static byte[]? ReadBootFile(int bootFiles, string name, out SyscallStatus status)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        long length = SyscallBuffers.BootFileRead(bootFiles, nameBytes, default);
        if (length < 0)
        {
            status = Syscalls.StatusOf(length);
            return null;
        }

        byte[] contents = new byte[length];
        long read = SyscallBuffers.BootFileRead(bootFiles, nameBytes, contents);
        status = Syscalls.StatusOf(read);
        return read == length ? contents : null;
    }
}
