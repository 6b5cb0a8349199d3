using System.Text;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Threading;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>The thread table `ps` and `top` print (ON: the CPU a thread runs on, or ran on
/// last), and the names of thread states and classes.</summary>
internal static class ThreadCommandsView
{
    public static void WriteThreads(IShellHost host)
    {
        var sb = new StringBuilder();
        sb.Append("  ID NAME             STATE     CLASS     PRI     CPU ms    WAIT ms   BLOCK ms  SWITCHES  LAT us  ON  PID RING\n");
        foreach (KernelThread t in Scheduler.Snapshot())
        {
            SchedThread s = t.Sched;
            int pid = t.Owner is Processes.Process p ? p.Id : 0;
            sb.Append($"{t.Id,4} {Trim(t.Name, 16),-16} {StateName(s.State),-9} {ClassName(s.Class),-9} {s.EffectivePriority,3} ");
            sb.Append($"{s.CpuTimeNs / 1_000_000.0,10:F1} {s.RunnableWaitNs / 1_000_000.0,10:F1} {s.BlockedNs / 1_000_000.0,10:F1} ");
            sb.Append($"{s.Switches,9} {s.LastRunLatencyNs / 1000.0,7:F1} {(t.Cpu < 0 ? "-" : t.Cpu.ToString()),3} {pid,4} {(pid == 0 ? 0 : 3),4}\n");
        }

        sb.Append($"context switches: {Scheduler.Switches}\n");
        ProcessCommands.AppendProcesses(sb);
        host.Write(sb.ToString());
    }

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>The word `ps` and the dashboard use for a thread's state.</summary>
    public static string StateName(ThreadState s) => s switch
    {
        ThreadState.Created => "created",
        ThreadState.Runnable => "runnable",
        ThreadState.Running => "running",
        ThreadState.Blocked => "blocked",
        _ => "exited",
    };

    /// <summary>The word `ps` and the dashboard use for a scheduling class.</summary>
    public static string ClassName(SchedClass c) => c switch
    {
        SchedClass.RealTime => "realtime",
        SchedClass.Normal => "normal",
        _ => "idle",
    };
}
