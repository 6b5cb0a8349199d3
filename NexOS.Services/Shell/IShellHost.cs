namespace NexOS.Services.Shell;

/// <summary>Physical memory as the kernel accounts for it, in bytes, with optional further
/// lines (allocator details) that `mem` prints after the totals.</summary>
public readonly record struct MemoryStats(ulong TotalBytes, ulong UsedBytes, ulong FreeBytes, string? Details = null);

/// <summary>
/// What the shell needs from the system it runs on. The kernel implements it; tests implement
/// it with a fake. Kept small on purpose: subsystems add commands through
/// <see cref="Shell.Register"/> rather than by growing this interface.
/// </summary>
public interface IShellHost
{
    /// <summary>The NexOS version, e.g. "0.1.0".</summary>
    string Version { get; }

    /// <summary>Time since the kernel started.</summary>
    TimeSpan Uptime { get; }

    /// <summary>The current memory figures.</summary>
    MemoryStats Memory { get; }

    /// <summary>Powers the machine off. Returns only if that failed.</summary>
    void Shutdown();

    /// <summary>Resets the machine. Returns only if that failed.</summary>
    void Reboot();

    /// <summary>Raises an exception that nothing catches, to exercise the kernel's report of
    /// unhandled exceptions. Returns only if the host does not support it.</summary>
    void Panic();

    /// <summary>Writes text to the console. Lines end with "\n"; the host translates that
    /// for its terminal.</summary>
    void Write(string text);

    /// <summary>Takes a key typed at the console, if one is waiting, without waiting for one
    /// (for commands like `top` that run until a key stops them). Hosts without a console
    /// keyboard have none.</summary>
    bool TryReadKey(out byte key)
    {
        key = 0;
        return false;
    }
}
