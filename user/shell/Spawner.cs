using NexOS.Abi;
using NexOS.Core.Processes;
using NexOS.UserLib;

namespace NexOS.Programs.Shell;

/// <summary>
/// `spawn MODE [COUNT]`, which the shell runs itself rather than in the kernel: it starts COUNT
/// `work MODE` processes from the boot archive through ProcessSpawn, hands them no
/// capabilities, and keeps none of theirs (it does not wait for them, and its capability
/// table must not fill up); `ps` lists them, `kill` or `pkill` ends them. Each workload drops
/// to the background priority itself (it would otherwise inherit the shell's).
/// </summary>
internal static class Spawner
{
    /// <summary>Runs the line if it is a spawn command (its first word is `spawn`); returns
    /// false, writing nothing, for any other line.</summary>
    public static bool TryRun(IReadOnlyList<string> words, Action<string> write)
    {
        if (words.Count == 0 || words[0] != "spawn")
        {
            return false;
        }

        var args = new string[words.Count - 1];
        for (int i = 1; i < words.Count; i++)
        {
            args[i - 1] = words[i];
        }

        string? error = WorkloadRequest.ParseSpawn(args, out WorkloadMode mode, out int count);
        if (error != null)
        {
            write(error + "\n");
            return true;
        }

        string name = WorkloadRequest.Name(mode);
        var ids = new System.Text.StringBuilder();
        int started = 0;
        for (; started < count; started++)
        {
            long process = Children.Spawn(WorkloadRequest.Program + " " + name, default);
            if (process < 0)
            {
                write($"spawn: cannot start `{WorkloadRequest.Program} {name}`: {Describe(Syscalls.StatusOf(process))}\n");
                break;
            }

            long pid = Children.ProcessId((int)process);
            _ = Children.Close((int)process);
            ids.Append(started == 0 ? "" : " ").Append(pid > 0 ? pid.ToString() : "?");
        }

        if (started > 0)
        {
            string what = mode == WorkloadMode.Ipc ? "ipc pair(s) (each the server; it starts its client)" : $"{name} process(es)";
            write($"started {started} {what}: pid {ids}\n");
        }

        return true;
    }

    private static string Describe(SyscallStatus status) => status switch
    {
        SyscallStatus.NotFound => "no such program in the boot archive",
        SyscallStatus.OutOfMemory => "out of memory",
        SyscallStatus.LimitReached => "a table is full",
        SyscallStatus.BadExecutable => "not a valid executable",
        _ => $"status {(int)status}",
    };
}
