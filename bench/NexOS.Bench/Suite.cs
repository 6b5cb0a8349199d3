namespace NexOS.Bench;

/// <summary>Which NexOS figure is compared with which Linux figure.</summary>
public static class Suite
{
    public static IReadOnlyList<(string Label, string Short, string NexOS, string Linux, string Unit)> Pairs { get; } =
    [
        ("boot: guest clock to prompt / first userspace line", "boot guest", Figures.BootGuest, Figures.BootGuest, "ms"),
        ("boot: wall time from QEMU start to that line", "boot wall", Figures.BootWall, Figures.BootWall, "ms"),
        ("thread switch: NexOS yield vs Linux futex ping-pong", "switch futex", "ctx_switch", "futex_switch", "ns"),
        ("thread switch: NexOS yield vs Linux pipe ping-pong (threads)", "switch pipe-t", "ctx_switch", "pipe_thread_switch", "ns"),
        ("process switch: NexOS yield vs Linux pipe ping-pong (processes)", "switch pipe-p", "ctx_switch", "pipe_process_switch", "ns"),
        ("IPC round trip vs futex round trip (threads)", "ipc futex", "ipc_roundtrip", "futex_roundtrip", "ns"),
        ("IPC round trip vs pipe round trip (threads)", "ipc pipe-t", "ipc_roundtrip", "pipe_thread_roundtrip", "ns"),
        ("IPC round trip vs pipe round trip (processes)", "ipc pipe-p", "ipc_roundtrip", "pipe_process_roundtrip", "ns"),
        ("small allocation: GC object vs malloc+free (in the guest)", "alloc small", "alloc_small", "malloc_free_small", "ns"),
        ("timer: 1 ms sleeps, lateness", "timer 1ms", "timer_latency", "timer_lateness", "ns"),
        ("real-time: 2 ms period under 2 CPU hogs, lateness", "rt 2ms", "rt_lateness", "rt_lateness", "ns"),
    ];

    /// <summary>Summarises each pair over the runs of each system.</summary>
    public static List<Comparison> Compare(IReadOnlyList<Dictionary<string, BenchLine>> nexosRuns, IReadOnlyList<Dictionary<string, BenchLine>> linuxRuns)
    {
        return Pairs.Select(p => new Comparison(
            p.Label, p.Short, p.NexOS, p.Linux, p.Unit,
            Summary.Of(Collect(nexosRuns, p.NexOS)),
            Summary.Of(Collect(linuxRuns, p.Linux)))).ToList();
    }

    private static List<BenchLine> Collect(IReadOnlyList<Dictionary<string, BenchLine>> runs, string name) =>
        runs.Where(r => r.ContainsKey(name)).Select(r => r[name]).ToList();
}
