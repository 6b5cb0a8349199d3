using System.Text;
using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>
/// The kernel's command service (KernelControl): runs a line of the kernel's command set with
/// its output going to a console, and answers the secret a command asks for.
/// </summary>
public sealed class KernelCommands
{
    private readonly int _slot;

    public KernelCommands(int slot) => _slot = slot;

    /// <summary>Runs <paramref name="line"/>; its output goes to <paramref name="console"/>.
    /// Returns null when the command is done, or the (prompt, cancelled) texts of the secret
    /// it waits for. A failed call is reported through <paramref name="status"/>.</summary>
    public (string Prompt, string Cancelled)? Run(string line, ConsoleClient console, out SyscallStatus status) =>
        Invoke(KernelOperation.RunCommand, Encoding.UTF8.GetBytes(line), console, out status);

    /// <summary>Runs <paramref name="line"/> with its output returned instead of shown (for
    /// redirection to a file): null with the status when the call fails (NotImplemented for a
    /// command that asks for a secret). <paramref name="cut"/> says the output was longer than
    /// <paramref name="capacity"/> bytes (at most UserAbi.MaxCapturedOutput) and was cut.</summary>
    public string? RunCaptured(string line, int capacity, out bool cut, out SyscallStatus status)
    {
        byte[] buffer = new byte[Math.Clamp(capacity, 0, UserAbi.MaxCapturedOutput)];
        long result = SyscallBuffers.KernelCapture(_slot, Encoding.UTF8.GetBytes(line), buffer);
        status = Syscalls.StatusOf(result);
        cut = result > buffer.Length;
        return result < 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)Math.Min(result, buffer.Length));
    }

    /// <summary>Answers the pending secret with <paramref name="secret"/>; returns as
    /// <see cref="Run"/> does.</summary>
    public (string Prompt, string Cancelled)? Answer(ReadOnlySpan<byte> secret, ConsoleClient console, out SyscallStatus status) =>
        Invoke(KernelOperation.AnswerSecret, secret, console, out status);

    private (string, string)? Invoke(KernelOperation operation, ReadOnlySpan<byte> text, ConsoleClient console, out SyscallStatus status)
    {
        Span<byte> reply = stackalloc byte[256];
        long result = SyscallBuffers.KernelText(_slot, operation, text, console.Endpoint, reply);
        status = Syscalls.StatusOf(result);
        if (result != 1)
        {
            return null;
        }

        int end = reply.IndexOf((byte)0);
        string prompt = Encoding.UTF8.GetString(reply[..Math.Max(end, 0)]);
        ReadOnlySpan<byte> rest = end >= 0 ? reply[(end + 1)..] : default;
        int end2 = rest.IndexOf((byte)0);
        string cancelled = Encoding.UTF8.GetString(rest[..Math.Max(end2, 0)]);
        return (prompt, cancelled);
    }
}
