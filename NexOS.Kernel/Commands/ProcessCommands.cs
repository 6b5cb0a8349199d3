using System.Text;
using NexOS.Abi;
using NexOS.Core.Paging;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Processes;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>Shell commands for programs in ring 3: run, pkill, programs; and the process part
/// of `ps`.</summary>
internal static class ProcessCommands
{
    /// <summary>How long `run` waits for a program before handing the prompt back.</summary>
    private const ulong ForegroundLimitNs = 60_000_000_000;

    public static void Register(Shell shell)
    {
        shell.Register("run", "start a program from the boot archive: run <name> [args...] [&]", Run);
        shell.Register("pkill", "end a process: pkill <pid>", Kill);
    }

    /// <summary>The word `ps` and the dashboard use for a process's state.</summary>
    public static string StateName(ProcessState state) => state switch
    {
        ProcessState.Running => "running",
        ProcessState.Ending => "ending",
        _ => "ended",
    };

    /// <summary>Appends the process table (pid 0 is the kernel itself).</summary>
    public static void AppendProcesses(StringBuilder sb)
    {
        sb.Append(" PID NAME             STATE    THREADS RING   PAGES  TABLES  CAPS  EXIT\n");
        sb.Append($"{0,4} {"kernel",-16} {"running",-8} {"-",7} {0,4} {"-",7} {"-",7} {"-",5}     -\n");
        long notGivenBack = 0;
        foreach (Process p in ProcessTable.Snapshot())
        {
            string state = StateName(p.State);
            bool ended = p.State == ProcessState.Ended;
            UserSpaceUsage usage = default;
            bool counted = !ended && p.TryCountPages(out usage);
            string pages = counted ? (usage.OwnedPages + usage.BorrowedPages).ToString() : "-";
            string tables = counted ? usage.TableFrames.ToString() : "-";
            string exit = ended ? p.ExitCode.ToString() : "-";
            notGivenBack += ended ? p.Frames.Held : 0;
            string caps = p.Threads.Count > 0 ? p.Threads[0].Ipc.Capabilities.Count.ToString() : "-";
            sb.Append($"{p.Id,4} {Trim(p.Name, 16),-16} {state,-8} {p.Threads.Count,7} {3,4} {pages,7} {tables,7} {caps,5} {exit,5}\n");
        }

        sb.Append($"frames held by programs: {VirtualMemory.UserFramesInUse}\n");
        sb.Append($"frames not given back by ended programs: {notGivenBack}\n");
    }

    private static void Run(IShellHost host, ReadOnlySpan<string> args)
    {
        bool background = args.Length > 0 && args[^1] == "&";
        if (background)
        {
            args = args[..^1];
        }

        if (args.Length < 1)
        {
            host.Write("usage: run <name> [args...] [&]\n");
            return;
        }

        string name = args[0];
        if (!Boot.BootPrograms.TryFind(name, out ReadOnlySpan<byte> file))
        {
            host.Write($"run: no program '{name}' in the boot archive (see `programs`)\n");
            return;
        }

        var argv = new List<string>();
        foreach (string a in args)
        {
            argv.Add(a);
        }

        // Redirected in the foreground: the program's output goes where the command's goes.
        OutputCapture? output = background ? null : (host as ICapturingHost)?.Capture;
        Process? process = ProcessTable.Spawn(name, file, argv, Array.Empty<Grant>(), out SyscallStatus status, out string error, output: output);
        if (process == null)
        {
            host.Write($"run: {name}: {error} ({Describe(status)})\n");
            return;
        }

        if (background)
        {
            host.Write($"started process {process.Id} ({name})\n");
            return;
        }

        if (!process.Wait(ForegroundLimitNs))
        {
            host.Write($"run: process {process.Id} ({name}) still runs after 60 s; it carries on in the background\n");
            return;
        }

        string how = process.EndReason == null ? $"exited with code {process.ExitCode}" : $"was ended (code {process.ExitCode})";
        host.Write($"process {process.Id} ({name}) {how}; {process.PagesAtEnd} pages at the end; frames: {process.Frames.Peak} at most, {process.Frames.Held} not given back\n");
    }

    private static void Kill(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length != 1 || !int.TryParse(args[0], out int pid))
        {
            host.Write("usage: pkill <pid>\n");
            return;
        }

        Process? process = ProcessTable.Find(pid);
        if (process == null || process.State == ProcessState.Ended)
        {
            host.Write($"pkill: no running process {args[0]}\n");
            return;
        }

        process.End(UserFaults.KilledExitCode, "killed");
        host.Write(process.Wait(1_000_000_000) ? $"process {pid} ({process.Name}) ended\n" : $"pkill: process {pid} is ending\n");
    }

    private static string Describe(SyscallStatus status) => status switch
    {
        SyscallStatus.OutOfMemory => "out of memory",
        SyscallStatus.BadExecutable => "not a valid executable",
        SyscallStatus.NotImplemented => "not available",
        _ => "error",
    };

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..max];
}
