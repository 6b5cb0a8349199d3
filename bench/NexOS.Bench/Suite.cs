namespace NexOS.Bench;

/// <summary>One NexOS figure beside one Linux figure.</summary>
/// <param name="Label">The row's description in the report.</param>
/// <param name="Short">The chart's label.</param>
/// <param name="NexOS">The NexOS benchmark's name.</param>
/// <param name="Linux">The Linux benchmark's name.</param>
/// <param name="Unit">"ns" or "ms".</param>
/// <param name="NotLikeWithLike">Null when both sides measure the same thing on the same kind
/// of actor (a process with a process, a boot with a boot); otherwise why not, and then no
/// target is judged on the pair: it is shown for context only.</param>
public sealed record Pair(string Label, string Short, string NexOS, string Linux, string Unit, string? NotLikeWithLike = null)
{
    /// <summary>True when the pair compares like with like.</summary>
    public bool LikeWithLike => NotLikeWithLike == null;
}

/// <summary>Which NexOS figure is compared with which Linux figure.</summary>
public static class Suite
{
    private const string KernelThreadsVsThreads = "NexOS kernel threads, Linux threads of a user process";
    private const string KernelThreadsVsProcesses = "NexOS kernel threads, Linux processes";

    /// <summary>Every pair the report shows, like with like first.</summary>
    public static IReadOnlyList<Pair> Pairs { get; } =
    [
        new("boot: guest clock to the kernel's hand-over to init / first userspace line", "boot guest", Figures.BootGuest, Figures.BootGuest, "ms"),
        new("boot: wall time from QEMU start to the ring-3 prompt / that line", "boot wall", Figures.BootWall, Figures.BootWall, "ms"),
        new("null system call: NexOS vs Linux getppid", "syscall", "user_null_syscall", "getppid_syscall", "ns"),
        new("IPC round trip between processes vs futex ping-pong (processes)", "ipc futex-p", "user_ipc_roundtrip", "futex_process_roundtrip", "ns"),
        new("IPC round trip between processes vs pipe ping-pong (processes)", "ipc pipe-p", "user_ipc_roundtrip", "pipe_process_roundtrip", "ns"),
        new("spawn + wait of a small static program vs posix_spawn + waitpid", "spawn", "user_spawn_wait", "posix_spawn_wait", "ns"),
        new("demand-zero page fault vs first touch of an mmap'ed page", "page fault", "user_page_fault", "mmap_first_touch", "ns"),
        new("raw disk: sequential write of 64 KiB", "seq write", "disk_seq_write", "disk_seq_write", "ns"),
        new("raw disk: flush after the 32 MiB written", "flush", "disk_flush", "disk_flush", "ns"),
        new("raw disk: sequential read of 64 KiB", "seq read", "disk_seq_read", "disk_seq_read", "ns"),
        new("raw disk: random 4 KiB read, queue depth 1", "rand QD1", "disk_rand_read_qd1", "disk_rand_read_qd1", "ns"),
        new("raw disk: random 4 KiB read, queue depth 32 (per read)", "rand QD32", "disk_rand_read_qd32", "disk_rand_read_qd32", "ns"),
        new("FAT32 file: create + write 4 KiB + close + delete vs vfat", "file cycle", "file_cycle", "file_cycle", "ns"),
        new("TCP host to guest: time per 64 KiB of a 16 MiB transfer", "tcp up", "net_tcp_upload", "net_tcp_upload", "ns"),
        new("TCP guest to host: time per 64 KiB of a 16 MiB transfer", "tcp down", "net_tcp_download", "net_tcp_download", "ns"),
        new("TCP connection set-up and close, from the host", "tcp connect", "net_tcp_connect", "net_tcp_connect", "ns"),
        new("HTTP GET of a 200-byte file on a new connection: NexOS httpd vs busybox httpd", "http get", "net_http_get", "net_http_get", "ns"),
        new("ping of the gateway from the guest, round trip", "ping", "net_ping_rtt", "net_ping_rtt", "ns"),
        new("thread switch: NexOS yield vs Linux futex ping-pong", "switch futex", "ctx_switch", "futex_switch", "ns", KernelThreadsVsThreads),
        new("thread switch: NexOS yield vs Linux pipe ping-pong (threads)", "switch pipe-t", "ctx_switch", "pipe_thread_switch", "ns", KernelThreadsVsThreads),
        new("kernel-thread switch vs Linux pipe ping-pong (processes)", "kswitch pipe-p", "ctx_switch", "pipe_process_switch", "ns", KernelThreadsVsProcesses),
        new("kernel-thread IPC round trip vs futex round trip (threads)", "kipc futex", "ipc_roundtrip", "futex_roundtrip", "ns", KernelThreadsVsThreads),
        new("kernel-thread IPC round trip vs pipe round trip (threads)", "kipc pipe-t", "ipc_roundtrip", "pipe_thread_roundtrip", "ns", KernelThreadsVsThreads),
        new("kernel-thread IPC round trip vs pipe round trip (processes)", "kipc pipe-p", "ipc_roundtrip", "pipe_process_roundtrip", "ns", KernelThreadsVsProcesses),
        new("small allocation: GC object vs malloc+free (in the guest)", "alloc small", "alloc_small", "malloc_free_small", "ns",
            "NexOS's allocation frees later, in a collection; Linux's includes free (see the host allocator benchmark)"),
        new("timer: 1 ms sleeps, lateness", "timer 1ms", "timer_latency", "timer_lateness", "ns",
            "NexOS stops at its interrupt handler, Linux in userspace"),
        new("real-time: 2 ms period under 2 CPU hogs, lateness", "rt 2ms", "rt_lateness", "rt_lateness", "ns",
            "NexOS kernel threads, Linux processes"),
    ];

    /// <summary>Summarises each pair over the runs of each system; a figure a system never
    /// printed gives a comparison whose side is null ("not measured"), never an error.</summary>
    public static List<Comparison> Compare(IReadOnlyList<Dictionary<string, BenchLine>> nexosRuns, IReadOnlyList<Dictionary<string, BenchLine>> linuxRuns)
    {
        return Pairs.Select(p => new Comparison(
            p.Label, p.Short, p.NexOS, p.Linux, p.Unit,
            Summary.Of(Collect(nexosRuns, p.NexOS)),
            Summary.Of(Collect(linuxRuns, p.Linux)),
            p.NotLikeWithLike)).ToList();
    }

    private static List<BenchLine> Collect(IReadOnlyList<Dictionary<string, BenchLine>> runs, string name) =>
        runs.Where(r => r.ContainsKey(name)).Select(r => r[name]).ToList();
}
