using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>The kernel log (system call LogWrite): text a program writes appears on the
/// kernel's console as it is, without a prefix.</summary>
public static class Log
{
    /// <summary>Writes <paramref name="text"/> as UTF-8; long text goes in several calls.</summary>
    public static void Write(string? text) => SyscallNative.LogWrite(text.AsSpan());

    /// <summary>Writes <paramref name="text"/> and a line feed.</summary>
    public static void WriteLine(string? text = null)
    {
        Write(text);
        Write("\n");
    }
}
