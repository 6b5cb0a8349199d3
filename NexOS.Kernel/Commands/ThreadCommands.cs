using System.Text;
using NexOS.Core.Policy;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Processes;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>Shell commands for threads and the scheduler: ps, kill, sched (and the kernel
/// console's answer to spawn, lspci and devstart, which the ring-3 shell runs itself).</summary>
internal static class ThreadCommands
{
    private const string SmpPrefix = "smp.";

    public static void Register(Shell shell)
    {
        shell.Register("ps", "list threads: state, class, priority, CPU time, waits, switches", Ps);
        shell.Register("spawn", "start workload processes (user/work; the ring-3 shell runs it): spawn cpu|io|alloc|rt|ipc [count]", Spawn);
        shell.Register("lspci", "list the PCI functions (the ring-3 shell asks the device manager)", Devices);
        shell.Register("devstart", "start a driver program for a PCI function: devstart BB:DD.F PROGRAM [ARGS] (ring-3 shell)", Devices);
        shell.Register("kill", "stop a thread, or end the process it belongs to: kill <id>", Kill);
        shell.Register("sched", "scheduler policy and tunables: sched | sched set <name> <value> | sched policy priority|adaptive", Sched);
        shell.Register("pin", "keep a thread on some CPUs: pin <thread> <cpu>[,<cpu>...] | pin <thread> any", Pin);
    }

    private static void Ps(IShellHost host, ReadOnlySpan<string> args) => ThreadCommandsView.WriteThreads(host);

    /// <summary>The workloads are processes the ring-3 shell starts itself through ProcessSpawn
    /// (user/shell, user/work); the line reaches the kernel only from the kernel's own console,
    /// which has no ProcessSpawn to offer.</summary>
    private static void Spawn(IShellHost host, ReadOnlySpan<string> args) =>
        host.Write("spawn: workloads are processes the ring-3 shell starts; on the kernel console use `run work cpu|io|alloc|rt &` or `run work ipc <calls> &`\n");

    /// <summary>lspci and devstart are the device manager's (user/devmgr), which only runs
    /// under init: the kernel's own console has none to ask.</summary>
    private static void Devices(IShellHost host, ReadOnlySpan<string> args) =>
        host.Write("the device manager runs in user space: lspci and devstart work in the ring-3 shell\n");

    private static void Kill(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length != 1 || !int.TryParse(args[0], out int id))
        {
            host.Write("usage: kill <id>\n");
            return;
        }

        KernelThread? t = Scheduler.Find(id);
        if (t == null)
        {
            host.Write($"kill: no thread {id}\n");
            return;
        }

        if (t == Scheduler.Current || t.Sched.Class == SchedClass.Idle || t.Id == 0)
        {
            host.Write($"kill: thread {id} ({t.Name}) is part of the kernel and cannot be killed\n");
            return;
        }

        if (t.Owner is Process process)
        {
            process.End(UserFaults.KilledExitCode, "killed");
            host.Write(process.Wait(1_000_000_000)
                ? $"kill: ended process {process.Id} ({process.Name}), thread {id}\n"
                : $"kill: process {process.Id} ({process.Name}), thread {id}, is ending\n");
            return;
        }

        t.KillRequested = true;
        host.Write($"kill: asked thread {id} ({t.Name}) to stop\n");
    }

    private static void Sched(IShellHost host, ReadOnlySpan<string> args)
    {
        MultiClassScheduler policy = Scheduler.Policy;
        if (args.Length == 3 && args[0] == "set")
        {
            if (!long.TryParse(args[2], out long value))
            {
                host.Write($"sched: '{args[2]}' is not a number\n");
                return;
            }

            string? error = args[1].StartsWith(SmpPrefix, StringComparison.Ordinal)
                ? Scheduler.Balancer.Parameters.TrySet(args[1][SmpPrefix.Length..], value)
                : policy.TrySetParameter(args[1], value);
            host.Write(error == null ? $"{args[1]} = {value}\n" : $"sched: {error}\n");
            return;
        }

        if (args.Length == 2 && args[0] == "policy")
        {
            string? old = Scheduler.ReplaceNormalPolicy(args[1]);
            host.Write(old == null
                ? $"sched: unknown policy '{args[1]}' (known: priority, adaptive)\n"
                : $"normal threads: {old} -> {Scheduler.Policy.Normal.Name}\n");
            return;
        }

        if (args.Length != 0)
        {
            host.Write("usage: sched | sched set <name> <value> | sched policy priority|adaptive\n");
            return;
        }

        var sb = new StringBuilder();
        sb.Append($"policy {policy.Name}: real-time {policy.RealTime.Name}, normal {policy.Normal.Name}; ");
        sb.Append($"{Scheduler.RunnableCount} runnable, {Scheduler.Switches} switches, {Scheduler.HandOffSwitches} IPC hand-offs\n");
        sb.Append($"{Scheduler.CpuCount} CPU(s), a run queue each; {Scheduler.Migrations} threads moved by balancing\n");
        AppendParameters(sb, "", policy.Parameters);
        AppendParameters(sb, MultiClassScheduler.RealTimePrefix, policy.RealTime.Parameters);
        AppendParameters(sb, MultiClassScheduler.NormalPrefix, policy.Normal.Parameters);
        AppendParameters(sb, SmpPrefix, Scheduler.Balancer.Parameters);
        host.Write(sb.ToString());
    }

    private static void Pin(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length != 2 || !int.TryParse(args[0], out int id))
        {
            host.Write("usage: pin <thread> <cpu>[,<cpu>...] | pin <thread> any\n");
            return;
        }

        KernelThread? t = Scheduler.Find(id);
        if (t == null || t.Sched.Class == SchedClass.Idle)
        {
            host.Write(t == null ? $"pin: no thread {id}\n" : $"pin: thread {id} ({t.Name}) is a CPU's idle thread\n");
            return;
        }

        ulong mask = 0;
        if (args[1] != "any")
        {
            foreach (string part in args[1].Split(','))
            {
                if (!int.TryParse(part, out int cpu) || cpu < 0 || cpu >= 64)
                {
                    host.Write($"pin: '{part}' is not a CPU number (0-63)\n");
                    return;
                }

                mask |= 1UL << cpu;
            }
        }

        string? error = Scheduler.SetAffinity(t, mask);
        host.Write(error == null ? $"thread {id} ({t.Name}) runs on {(mask == 0 ? "any CPU" : "cpu " + args[1])}\n" : $"pin: {error}\n");
    }

    private static void AppendParameters(StringBuilder sb, string prefix, ParameterSet parameters)
    {
        foreach (Parameter p in parameters.All)
        {
            sb.Append($"  {prefix + p.Name,-34} {p.Value,12} {p.Unit,-8} [{p.Min}..{p.Max}] {p.Description}\n");
        }
    }
}
