using System.Text;
using NexOS.Core.Metrics;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Benchmarks;
using NexOS.Kernel.Threading;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>Shell commands for the kernel's measurements: metrics, dashboard, irq, bench, top.</summary>
internal static class SystemCommands
{
    public static void Register(Shell shell)
    {
        shell.Register("metrics", "show every kernel metric: metrics [json]", Metrics);
        shell.Register("dashboard", "the dashboard's JSON snapshot of the system, on one line", Dashboard);
        shell.Register("irq", "interrupt counts and timer latency", Irq);
        shell.Register("bench", "run the kernel microbenchmarks (JSON lines)", Bench);
        shell.Register("ipc", "IPC endpoints and notifications with their traffic; ipc group [runs] [calls]: round trips under CPU load, grouping off vs on", Ipc);
        shell.Register("top", "refreshing view of CPUs, threads and metrics; q quits", Top);
        shell.Register("locks", "the kernel lock: acquisitions, contention, long holds and waits with their owners", Locks);
    }

    private static void Metrics(IShellHost host, ReadOnlySpan<string> args)
    {
        bool json = args.Length == 1 && args[0] == "json";
        if (args.Length > 1 || (args.Length == 1 && !json))
        {
            host.Write("usage: metrics [json]\n");
            return;
        }

        MetricsRefresh.Refresh();
        MetricsRegistry registry = KernelMetrics.Registry;
        var sb = new StringBuilder();
        for (int i = 0; i < registry.Count; i++)
        {
            sb.Append(json ? registry.FormatJson(registry[i]) : registry.Format(registry[i])).Append('\n');
        }

        host.Write(sb.ToString());
    }

    private static void Dashboard(IShellHost host, ReadOnlySpan<string> args) =>
        host.Write(args.Length == 0 ? DashboardSnapshot.Compose() + "\n" : "usage: dashboard\n");

    private static void Irq(IShellHost host, ReadOnlySpan<string> args)
    {
        var sb = new StringBuilder();
        sb.Append(IoApic.IsEnabled ? "device interrupts: I/O APIC (8259 PICs masked)\n" : "device interrupts: 8259 PIC\n");
        sb.Append("vector  count     source\n");
        for (int v = 0; v < 256; v++)
        {
            ulong count = Interrupts.Count(v);
            if (count != 0)
            {
                sb.Append($"{v,6}  {count,-9} {Source(v)}\n");
            }
        }

        LatencyHistogram latency = KernelMetrics.TimerLatency;
        sb.Append($"timer latency: n={latency.Count} p50={latency.Percentile(50)} ns p99={latency.Percentile(99)} ns max={latency.Max} ns\n");
        sb.Append($"late timer interrupts (over {LateTimers.ThresholdNs / 1000} us): {LateTimers.Count}\n");
        foreach ((ulong rip, ulong late) in LateTimers.Snapshot())
        {
            sb.Append($"  {late / 1000} us late, interrupted {Debugging.KernelSymbols.NameOf(rip) ?? "?"} (0x{rip:x})\n");
        }

        host.Write(sb.ToString());
    }

    private static void Ipc(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length > 0)
        {
            IpcGroup(host, args);
            return;
        }

        var sb = new StringBuilder();
        sb.Append("NAME                 KIND          MESSAGES   CALLS      REPLIES    WAITING\n");
        foreach ((string name, NexOS.Core.Ipc.IpcObject obj) in NexOS.Kernel.Ipc.KernelIpc.Objects)
        {
            if (obj is NexOS.Core.Ipc.Endpoint e)
            {
                NexOS.Core.Ipc.IpcStatistics st = e.Statistics;
                sb.Append($"{name,-20} endpoint      {st.Messages,-10} {st.Calls,-10} {st.Replies,-10} {e.SendersWaiting + e.ReceiversWaiting}\n");
            }
            else if (obj is NexOS.Core.Ipc.Notification n)
            {
                sb.Append($"{name,-20} notification  {n.Statistics.Messages,-10} {"-",-10} {"-",-10} {n.Waiting}\n");
            }
        }

        LatencyHistogram rtt = KernelMetrics.IpcRoundTrip;
        sb.Append($"round trips: n={rtt.Count} p50={rtt.Percentile(50)} ns p99={rtt.Percentile(99)} ns\n");
        sb.Append(Scheduler.FastPath.Summary()).Append('\n');
        host.Write(sb.ToString());
    }

    private static void IpcGroup(IShellHost host, ReadOnlySpan<string> args)
    {
        int runs = 5;
        int calls = 200;
        if (args[0] != "group" || args.Length > 3
            || (args.Length > 1 && (!int.TryParse(args[1], out runs) || runs < 1 || runs > 21))
            || (args.Length > 2 && (!int.TryParse(args[2], out calls) || calls < 10 || calls > 100_000)))
        {
            host.Write("usage: ipc [group [runs 1-21] [calls 10-100000]]\n");
            return;
        }

        Benchmarks.GroupingBench.Run(runs, calls, line => host.Write(line + "\n"));
    }

    private static void Bench(IShellHost host, ReadOnlySpan<string> args) => KernelBenchmarks.RunAll(line => host.Write(line + "\n"));

    /// <summary>Redraws every second until 'q' (or Ctrl-C) arrives on the console.</summary>
    private static void Top(IShellHost host, ReadOnlySpan<string> args)
    {
        var lastIdle = new ulong[PerCpu.MaxCpus];
        ulong lastNs = 0;
        while (true)
        {
            MetricsRefresh.Refresh();
            var sb = new StringBuilder("\u001b[H\u001b[2J");
            sb.Append($"NexOS top - up {Arch.X64.Tsc.SinceEntryNs / 1_000_000_000} s, ");
            sb.Append($"{Scheduler.Switches} switches, heap {Runtime.Gc.GcHeap.InUseBytes / 1024} KiB, {Runtime.Gc.GcStatistics.Collections} GCs - q to quit\n");
            AppendCpuBusy(sb, lastIdle, ref lastNs);
            host.Write(sb.ToString());
            ThreadCommandsView.WriteThreads(host);
            ulong end = Tsc.NowNs + 1_000_000_000;
            while (Tsc.NowNs < end)
            {
                if (host.TryReadKey(out byte key) && (key == (byte)'q' || key == 3))
                {
                    return;
                }

                Scheduler.Sleep(50_000_000);
            }
        }
    }

    /// <summary>One line with each CPU's busy share since the last call (the first call: since
    /// boot), from its idle thread's CPU time.</summary>
    private static void AppendCpuBusy(StringBuilder sb, ulong[] lastIdle, ref ulong lastNs)
    {
        ulong now = Tsc.NowNs;
        ulong span = now - lastNs;
        int cpus = Cpus.Online;
        sb.Append($"{cpus} CPU{(cpus == 1 ? "" : "s")}, busy:");
        for (int cpu = 0; cpu < Cpus.Count; cpu++)
        {
            if (!Cpus.IsOnline(cpu))
            {
                continue;
            }

            ulong idle = Scheduler.IdleNsNow(cpu, now);
            ulong idleSpan = Math.Min(span, idle - lastIdle[cpu]);
            ulong busy = span == 0 ? 0 : (span - idleSpan) * 100 / span;
            sb.Append($" cpu{cpu} {busy,3}%");
            lastIdle[cpu] = idle;
        }

        sb.Append('\n');
        lastNs = now;
    }

    private static void Locks(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length != 0)
        {
            host.Write("usage: locks\n");
            return;
        }

        ulong up = Tsc.SinceEntryNs;
        var sb = new StringBuilder();
        sb.Append($"kernel lock: {Cpus.Online} CPU(s); {KernelLock.AcquisitionCount} acquisitions, {KernelLock.ContendedCount} contended, ");
        sb.Append($"{KernelLock.SpinNs / 1000} us spent spinning; held {(up == 0 ? 0 : KernelLock.HeldNs * 100 / up)}% of the time, longest hold {KernelLock.LongestHoldNs / 1000} us\n");
        sb.Append($"holds over {KernelLock.ThresholdNs / 1_000_000} ms: {KernelLock.LongHoldCount}");
        if (KernelLock.LongHoldCount != 0)
        {
            (ulong ns, int cpu, long thread) = KernelLock.LastLongHold;
            sb.Append($"; last {ns / 1000} us on cpu{cpu} by thread {thread} ({Scheduler.Find((int)thread)?.Name ?? "gone"})");
        }

        sb.Append($"\nwaits over {KernelLock.ThresholdNs / 1_000_000} ms: {KernelLock.LongWaitCount}");
        if (KernelLock.LongWaitCount != 0)
        {
            (ulong ns, int owner, long thread, int waiter) = KernelLock.LastLongWait;
            sb.Append($"; last {ns / 1000} us by cpu{waiter}, while cpu{owner} held it running thread {thread} ({Scheduler.Find((int)thread)?.Name ?? "gone"})");
        }

        sb.Append($"\nlet in at preemption points: {KernelLock.Yields} times; TLB shootdowns: {Cpus.Shootdowns}; reschedule interrupts sent: {Cpus.ReschedulesSent}\n");
        host.Write(sb.ToString());
    }

    private static string Source(int vector) => vector switch
    {
        < 32 => "CPU exception",
        32 => "PIT (IRQ 0)",
        36 => "COM1 (IRQ 4)",
        >= 32 and < 48 => $"IRQ {vector - 32}",
        >= Interrupts.MessageVectorFirst and < Interrupts.MessageVectorFirst + Interrupts.MessageVectorCount => Processes.InterruptLine.DescribeMessage(vector),
        LocalApic.TimerVector => "local APIC timer",
        LocalApic.SpuriousVector => "APIC spurious",
        LocalApic.RescheduleVector => "reschedule (from another CPU)",
        LocalApic.TlbVector => "TLB shootdown (from another CPU)",
        _ => "other",
    };
}
