using NexOS.Core.Metrics;
using NexOS.Core.Policy;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Workloads;

namespace NexOS.Kernel.Benchmarks;

/// <summary>
/// `ipc group [runs] [calls]`: IPC round-trip latency of a client/server pair while two
/// CPU-bound threads run, with grouping of IPC partners off and then on, alternating, for
/// several runs. Prints one JSON object per run and a summary with the medians of the runs'
/// medians and the hand-offs counted (grouping on must hand off, off must not).
/// </summary>
internal static class GroupingBench
{
    /// <summary>CPU-bound threads competing with the pair.</summary>
    private const int CpuThreads = 2;

    /// <summary>Runs the comparison, writing lines through <paramref name="write"/>.</summary>
    public static void Run(int runs, int calls, Action<string> write)
    {
        Parameter handOff = Scheduler.Grouping.HandOff;
        long saved = handOff.Value;
        var off = new ulong[runs];
        var on = new ulong[runs];
        ulong handOffsOff = 0;
        ulong handOffsOn = 0;
        int errors = 0;
        for (int run = 0; run < runs; run++)
        {
            for (int mode = 0; mode < 2; mode++)
            {
                handOff.TrySet(mode);
                ulong before = Scheduler.HandOffSwitches;
                ulong median = RunOnce(calls, out int bad);
                ulong handOffs = Scheduler.HandOffSwitches - before;
                errors += bad;
                if (mode == 0)
                {
                    off[run] = median;
                    handOffsOff += handOffs;
                }
                else
                {
                    on[run] = median;
                    handOffsOn += handOffs;
                }

                write($"{{\"bench\":\"ipc_grouping\",\"run\":{run},\"grouping\":{mode},\"cpu_threads\":{CpuThreads},\"calls\":{calls},\"median_ns\":{median},\"handoffs\":{handOffs},\"errors\":{bad}}}");
            }
        }

        handOff.TrySet(saved);
        ulong offMedian = Median(off);
        ulong onMedian = Median(on);
        string speedup = onMedian == 0 ? "0" : $"{(double)offMedian / onMedian:F2}";
        write($"{{\"bench\":\"ipc_grouping\",\"runs\":{runs},\"off_median_ns\":{offMedian},\"on_median_ns\":{onMedian},\"speedup\":{speedup},\"handoffs_off\":{handOffsOff},\"handoffs_on\":{handOffsOn},\"errors\":{errors}}}");
    }

    private static ulong RunOnce(int calls, out int errors)
    {
        var cpu = new KernelThread[CpuThreads];
        for (int i = 0; i < CpuThreads; i++)
        {
            cpu[i] = Scheduler.Spawn($"group-cpu-{i}", KernelWorkloads.Cpu);
        }

        var histogram = new LatencyHistogram("ipc_grouping", "ns", "");
        var pair = new PingPong("bench-group", calls, histogram);
        pair.Start();
        Scheduler.Join(pair.Client);
        Scheduler.Join(pair.Server);
        for (int i = 0; i < CpuThreads; i++)
        {
            cpu[i].KillRequested = true;
            Scheduler.Join(cpu[i]);
        }

        errors = pair.Errors;
        return histogram.Percentile(50);
    }

    /// <summary>The median of <paramref name="values"/> (sorts them in place).</summary>
    private static ulong Median(ulong[] values)
    {
        Array.Sort(values);
        return values.Length == 0 ? 0 : values[values.Length / 2];
    }
}
