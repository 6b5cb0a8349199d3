using System.Text;
using NexOS.Core.Heap;
using NexOS.Core.Policy;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Workloads;
using NexOS.Runtime;
using NexOS.Runtime.Gc;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>The `gc` command: what the collector has done, running it, tuning it, and the
/// churn test that shows memory stays flat.</summary>
internal static class GcCommands
{
    private const string Usage = "usage: gc [collect | classes | set <name> <value> | churn [times-ram]]\n";

    public static void Register(Shell shell) =>
        shell.Register("gc", "garbage collector: gc | gc collect | gc classes | gc set <name> <value> | gc churn [n]", Gc);

    private static void Gc(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length == 0)
        {
            host.Write(Status());
        }
        else if (args[0] == "collect" && args.Length == 1)
        {
            Collect(host);
        }
        else if (args[0] == "classes" && args.Length == 1)
        {
            host.Write(Classes());
        }
        else if (args[0] == "set" && args.Length == 3)
        {
            Set(host, args[1], args[2]);
        }
        else if (args[0] == "churn" && args.Length <= 2)
        {
            Churn(host, args.Length == 2 ? args[1] : "10");
        }
        else
        {
            host.Write(Usage);
        }
    }

    private static string Status()
    {
        var pause = KernelMetrics.GcPause;
        var sb = new StringBuilder();
        sb.Append($"collections  {GcStatistics.Collections} (last: {GcStatistics.Describe(GcStatistics.LastReason)}, {GcStatistics.Skipped} skipped)\n");
        sb.Append($"pause        last {Us(GcStatistics.LastPauseNs)} us, p50 {Us(pause.Percentile(50))} us, p99 {Us(pause.Percentile(99))} us, max {Us(GcStatistics.MaxPauseNs)} us, total {GcStatistics.TotalPauseNs / 1_000_000} ms\n");
        sb.Append($"last pause   roots {Us(GcStatistics.LastRootsNs)} us, mark {Us(GcStatistics.LastMarkNs)} us, weak handles and sweep {Us(GcStatistics.LastSweepNs)} us\n");
        sb.Append($"heap         {GcHeap.InUseBytes / 1024} KiB in use, {GcHeap.LiveBytes / 1024} KiB live after the last collection, {GcHeap.CommittedBytes / 1024} KiB committed\n");
        sb.Append($"pages        {GcHeap.Pages.Count} of 64 KiB, {GcHeap.LargeObjects.Count} large objects ({GcHeap.LargeObjects.TotalBytes / 1024} KiB)\n");
        sb.Append($"fragmentation {GcHeap.Fragmentation * 100:F1}% of small-object cells free in partly used pages\n");
        sb.Append($"allocated    {GcHeap.TotalAllocatedBytes / 1024} KiB in {GcHeap.TotalObjects} objects since boot; next collection after {GcHeap.Budget / 1024} KiB ({GcHeap.AllocatedSinceCollection / 1024} KiB so far)\n");
        sb.Append($"last         {GcStatistics.LastMarkedObjects} objects marked, {GcStatistics.LastFreedBytes / 1024} KiB freed; {GcStatistics.TotalFreedBytes / 1024} KiB freed since boot\n");
        sb.Append($"roots        {ImmortalObjects.LastTraced} of {ImmortalObjects.Recorded} immortal objects traced ({ImmortalObjects.Count} in {ImmortalObjects.Bytes / 1024} KiB of boot heap), {Handles.Live} handles, {Finalization.Registered} finalizable\n");
        sb.Append($"slow path    longest {Us(GcHeap.SlowestPathNs)} us (for {GcHeap.SlowestPathSize} bytes), {Us(GcHeap.SlowestPathWithoutGcNs)} us without its collection\n");
        CollectionPacer pacer = GcHeap.Pacer;
        sb.Append($"real-time    {pacer.Waited} collections waited for slack (at most {pacer.LongestWaitBytes / 1024} KiB past the budget), {pacer.WithoutMargin} without the margin, {pacer.Forced} forced; expected pause {Us(pacer.ExpectedPauseNs)} us\n");
        sb.Append($"placement    {GcHeap.Placement} (\"heap\" parameters), {GcHeap.Refills} slow paths since boot\n");
        sb.Append($"checks       {Marker.StrayReferences} stray references, {Marker.Overflows} mark-stack overflows, {GcStatistics.BadStacks} bad stacks, {ImmortalObjects.MissedBarriers} missed barriers\n");
        foreach (Parameter p in GcTuning.Parameters.All)
        {
            sb.Append($"  {p}\n");
        }

        foreach (Parameter p in GcTuning.Placement.Set.All)
        {
            sb.Append($"  {p}\n");
        }

        return sb.ToString();
    }

    private static void Collect(IShellHost host)
    {
        ulong before = GcHeap.InUseBytes;
        GC.Collect();
        host.Write($"collected: {before / 1024} KiB -> {GcHeap.LiveBytes / 1024} KiB live in {Us(GcStatistics.LastPauseNs)} us; {GcHeap.CommittedBytes / 1024} KiB committed\n");
    }

    private static string Classes()
    {
        Span<ulong> used = stackalloc ulong[SizeClasses.Count];
        Span<ulong> free = stackalloc ulong[SizeClasses.Count];
        GcHeap.Pages.GetClassStatistics(used, free);
        var sb = new StringBuilder("class  cell   used KiB  free KiB\n");
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            if (used[c] + free[c] != 0)
            {
                sb.Append($"{c,5}  {SizeClasses.SizeOf(c),5}  {used[c] / 1024,8}  {free[c] / 1024,8}\n");
            }
        }

        return sb.ToString();
    }

    private static void Set(IShellHost host, string name, string value)
    {
        if (!long.TryParse(value, out long number))
        {
            host.Write($"gc set: '{value}' is not a number\n");
            return;
        }

        ParameterSet set = GcTuning.Placement.Set.Find(name) != null ? GcTuning.Placement.Set : GcTuning.Parameters;
        string? error = set.TrySet(name, number);
        host.Write(error == null ? $"{set.Find(name)} (from the next collection)\n" : $"gc set: {error}\n");
    }

    /// <summary>Allocates and drops n times the machine's free memory at boot (so it cannot
    /// succeed without collecting), while the alloc workload's live sets stay, and prints one
    /// JSON object with what the heap did.</summary>
    private static void Churn(IShellHost host, string times)
    {
        if (!int.TryParse(times, out int factor) || factor < 1 || factor > 100)
        {
            host.Write("gc churn: the factor must be a number from 1 to 100\n");
            return;
        }

        ulong ram = (ulong)PhysicalMemory.Frames!.TotalFrames * NexOS.Core.Memory.BuddyFrameAllocator.FrameSize;
        ulong target = ram * (ulong)factor;
        GC.Collect();
        ulong committedBefore = GcHeap.CommittedBytes;
        int collections = GcStatistics.Collections;
        ulong start = Arch.X64.Tsc.NowNs;
        ulong peak = committedBefore;
        ulong allocated = 0;
        while (allocated < target)
        {
            allocated += AllocWorkload.Run(Math.Min(target - allocated, 16UL << 20));
            peak = Math.Max(peak, GcHeap.CommittedBytes);
        }

        GC.Collect();
        ulong ms = (Arch.X64.Tsc.NowNs - start) / 1_000_000;
        host.Write($"{{\"churn_bytes\":{allocated},\"ram_bytes\":{ram},\"committed_before\":{committedBefore},\"committed_peak\":{peak},"
            + $"\"committed_after\":{GcHeap.CommittedBytes},\"collections\":{GcStatistics.Collections - collections},"
            + $"\"max_pause_ns\":{GcStatistics.MaxPauseNs},\"corrupted\":{KernelMetrics.AllocWorkloadCorrupted.Value},\"ms\":{ms}}}\n");
    }

    private static string Us(ulong ns) => (ns / 1000).ToString();
}
