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
            long process = Start(mode, WorkloadRequest.Program + " " + name);
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
            string what = mode == WorkloadMode.Ipc ? "ipc pair(s) (each the client; it starts its server)" : $"{name} process(es)";
            write($"started {started} {what}: pid {ids}\n");
        }

        return true;
    }

    /// <summary>Starts one workload. An ipc client gets its own exit notification in slot 1,
    /// to hand its server, which ends when the client does (user/work/IpcLoad.cs); the shell
    /// keeps no copy (the kernel keeps the object while the process may raise it).</summary>
    private static long Start(WorkloadMode mode, string line)
    {
        if (mode != WorkloadMode.Ipc)
        {
            return Children.Spawn(line, default);
        }

        long exits = Ipc.CreateNotification();
        if (exits < 0)
        {
            return exits;
        }

        long process = Children.Spawn(line, stackalloc ulong[] { (ulong)exits }, (int)exits, 1);
        _ = Children.Close((int)exits);
        return process;
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
