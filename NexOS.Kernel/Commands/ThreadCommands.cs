using System.Text;
using NexOS.Core.Policy;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Workloads;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>Shell commands for threads and the scheduler: ps, spawn, kill, sched.</summary>
internal static class ThreadCommands
{
    public static void Register(Shell shell)
    {
        shell.Register("ps", "list threads: state, class, priority, CPU time, waits, switches", Ps);
        shell.Register("spawn", "start workload threads: spawn cpu|io|alloc|rt|ipc [count]", Spawn);
        shell.Register("kill", "stop a thread: kill <id>", Kill);
        shell.Register("sched", "scheduler policy and tunables: sched | sched set <name> <value> | sched policy priority|adaptive", Sched);
    }

    private static void Ps(IShellHost host, ReadOnlySpan<string> args) => ThreadCommandsView.WriteThreads(host);

    private static void Spawn(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length < 1 || args.Length > 2)
        {
            host.Write("usage: spawn cpu|io|alloc|rt|ipc [count]\n");
            return;
        }

        int count = 1;
        if (args.Length == 2 && (!int.TryParse(args[1], out count) || count < 1 || count > 64))
        {
            host.Write("spawn: count must be a number from 1 to 64\n");
            return;
        }

        if (args[0] == "rt")
        {
            SpawnRealTime(host, count);
            return;
        }

        if (args[0] == "ipc")
        {
            for (int i = 0; i < count; i++)
            {
                var pair = new Workloads.PingPong($"ipc-{i}", 0, new NexOS.Core.Metrics.LatencyHistogram($"ipc-{i}", "ns", ""));
                pair.Start();
                host.Write($"started ipc pair {i}: server {pair.Server.Id}, client {pair.Client.Id}\n");
            }

            return;
        }

        Action? body = args[0] switch
        {
            "cpu" => KernelWorkloads.Cpu,
            "io" => KernelWorkloads.Io,
            "alloc" => () => AllocWorkload.Run(),
            _ => null,
        };
        if (body == null)
        {
            host.Write($"spawn: unknown workload '{args[0]}' (known: cpu, io, alloc, rt, ipc)\n");
            return;
        }

        var ids = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            KernelThread t = Scheduler.Spawn($"{args[0]}-{i}", body);
            ids.Append(i == 0 ? "" : " ").Append(t.Id);
        }

        host.Write($"started {count} {args[0]} thread(s): {ids}\n");
    }

    /// <summary>Periodic real-time tasks (5 ms period, 0.5 ms of work, 1 ms budget) that
    /// record their lateness in the rt.lateness_ns metric until killed.</summary>
    private static void SpawnRealTime(IShellHost host, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var lateness = new NexOS.Core.Metrics.LatencyHistogram($"rt-{i}", "ns", "");
            KernelThread? t = Scheduler.SpawnRealTime($"rt-{i}", () => KernelWorkloads.RealTime(5_000_000, 500_000, 0, lateness), 5_000_000, 1_000_000, out string? error);
            host.Write(t == null ? $"spawn: real-time thread refused: {error}\n" : $"started rt thread {t.Id} (5 ms period, 1 ms budget)\n");
        }
    }

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

            string? error = policy.TrySetParameter(args[1], value);
            host.Write(error == null ? $"{args[1]} = {value}\n" : $"sched: {error}\n");
            return;
        }

        if (args.Length == 2 && args[0] == "policy")
        {
            ISchedulerPolicy? replacement = SchedulerSetup.CreateNormalPolicy(args[1]);
            if (replacement == null)
            {
                host.Write($"sched: unknown policy '{args[1]}' (known: priority, adaptive)\n");
                return;
            }

            ISchedulerPolicy old = Scheduler.ReplaceNormalPolicy(replacement);
            host.Write($"normal threads: {old.Name} -> {replacement.Name}\n");
            return;
        }

        if (args.Length != 0)
        {
            host.Write("usage: sched | sched set <name> <value> | sched policy priority|adaptive\n");
            return;
        }

        var sb = new StringBuilder();
        sb.Append($"policy {policy.Name}: real-time {policy.RealTime.Name}, normal {policy.Normal.Name}; ");
        sb.Append($"{policy.RunnableCount} runnable, {Scheduler.Switches} switches, {Scheduler.HandOffSwitches} IPC hand-offs\n");
        AppendParameters(sb, "", policy.Parameters);
        AppendParameters(sb, MultiClassScheduler.RealTimePrefix, policy.RealTime.Parameters);
        AppendParameters(sb, MultiClassScheduler.NormalPrefix, policy.Normal.Parameters);
        host.Write(sb.ToString());
    }

    private static void AppendParameters(StringBuilder sb, string prefix, ParameterSet parameters)
    {
        foreach (Parameter p in parameters.All)
        {
            sb.Append($"  {prefix + p.Name,-34} {p.Value,12} {p.Unit,-8} [{p.Min}..{p.Max}] {p.Description}\n");
        }
    }
}
