using NexOS.Core.Processes;
using NexOS.UserLib;

namespace NexOS.Programs.Work;

/// <summary>
/// The workloads, each a process: `work MODE [LIMIT]` with MODE cpu, io, alloc, rt or ipc
/// (<see cref="WorkloadMode"/>). Without a limit a workload runs until it is killed, silently;
/// with one it stops there and writes one summary line to the log. The shell's `spawn` starts
/// them through ProcessSpawn. A program a service starts inherits the service's priority, so
/// every workload first drops to the background priority (SchedulerSet Background).
/// `work ipc-server` is the answering half of an ipc pair, started by `work ipc`.
/// Exit codes: 0 done, 1 a system call failed, 2 bad arguments, 3 a heap object was found
/// overwritten.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Best effort: as a Linux process (./nexos hostrun) there is no such call, and a
        // program already at the background priority stays there.
        _ = Scheduling.Background();
        if (args.Length == 1 && args[0] == "ipc-server")
        {
            return IpcLoad.Serve();
        }

        string? error = WorkloadRequest.ParseRun(args, out WorkloadMode mode, out long limit);
        if (error != null)
        {
            Log.WriteLine(error);
            return 2;
        }

        return mode switch
        {
            WorkloadMode.Cpu => Loads.Cpu(limit),
            WorkloadMode.Io => Loads.Io(limit),
            WorkloadMode.Alloc => AllocLoad.Run(limit),
            WorkloadMode.RealTime => Loads.RealTime(limit),
            _ => IpcLoad.Client(limit),
        };
    }
}
