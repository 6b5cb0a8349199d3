namespace NexOS.Core.Processes;

/// <summary>The workloads `user/work` runs, one per process.</summary>
public enum WorkloadMode
{
    /// <summary>Busy arithmetic; preempted only by the timer.</summary>
    Cpu,

    /// <summary>Short bursts between 1-4 ms sleeps, like a thread waiting on a device.</summary>
    Io,

    /// <summary>Allocation churn of mixed sizes in the program's own collected heap, checked
    /// for overwritten objects.</summary>
    Alloc,

    /// <summary>A periodic real-time job (5 ms period, 1 ms reservation, 0.5 ms of work).</summary>
    RealTime,

    /// <summary>A call/reply pair: this process serves, a client process it starts calls.</summary>
    Ipc,
}

/// <summary>
/// Parsing of the two command lines that start workloads: the shell's `spawn MODE [COUNT]`
/// and the program's own `work MODE [LIMIT]`. Portable (the shell and `work` in ring 3, the
/// host tests); errors come back as the text to show, never as exceptions.
/// </summary>
public static class WorkloadRequest
{
    /// <summary>The most processes one `spawn` starts.</summary>
    public const int MaxCount = 64;

    /// <summary>The largest LIMIT `work` takes (its unit depends on the mode).</summary>
    public const long MaxLimit = 1_000_000;

    /// <summary>The program's name in the boot archive.</summary>
    public const string Program = "work";

    public const string SpawnUsage = "usage: spawn cpu|io|alloc|rt|ipc [count]";

    public const string RunUsage = "usage: work cpu|io|alloc|rt|ipc [limit]: limit is ms of cpu, io sleeps, MiB of alloc, rt periods or ipc round trips (none: until killed)";

    /// <summary>The word for <paramref name="mode"/> on both command lines.</summary>
    public static string Name(WorkloadMode mode) => mode switch
    {
        WorkloadMode.Cpu => "cpu",
        WorkloadMode.Io => "io",
        WorkloadMode.Alloc => "alloc",
        WorkloadMode.RealTime => "rt",
        _ => "ipc",
    };

    public static bool TryParseMode(string word, out WorkloadMode mode)
    {
        switch (word)
        {
            case "cpu": mode = WorkloadMode.Cpu; return true;
            case "io": mode = WorkloadMode.Io; return true;
            case "alloc": mode = WorkloadMode.Alloc; return true;
            case "rt": mode = WorkloadMode.RealTime; return true;
            case "ipc": mode = WorkloadMode.Ipc; return true;
            default: mode = WorkloadMode.Cpu; return false;
        }
    }

    /// <summary>Parses spawn's arguments (the words after `spawn`). Returns null and the
    /// request, or the error to show.</summary>
    public static string? ParseSpawn(ReadOnlySpan<string> args, out WorkloadMode mode, out int count)
    {
        mode = WorkloadMode.Cpu;
        count = 1;
        if (args.Length < 1 || args.Length > 2)
        {
            return SpawnUsage;
        }

        if (!TryParseMode(args[0], out mode))
        {
            return $"spawn: unknown workload '{args[0]}' (known: cpu, io, alloc, rt, ipc)";
        }

        if (args.Length == 2 && (!int.TryParse(args[1], out count) || count < 1 || count > MaxCount))
        {
            count = 0;
            return $"spawn: count must be a number from 1 to {MaxCount}";
        }

        return null;
    }

    /// <summary>Parses `work`'s arguments (argv without the program's name). A limit of 0
    /// (none given) runs until killed.</summary>
    public static string? ParseRun(ReadOnlySpan<string> args, out WorkloadMode mode, out long limit)
    {
        mode = WorkloadMode.Cpu;
        limit = 0;
        if (args.Length < 1 || args.Length > 2 || !TryParseMode(args[0], out mode))
        {
            return RunUsage;
        }

        if (args.Length == 2 && (!long.TryParse(args[1], out limit) || limit < 1 || limit > MaxLimit))
        {
            limit = 0;
            return $"work: limit must be a number from 1 to {MaxLimit}";
        }

        return null;
    }
}
