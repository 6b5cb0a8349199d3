using System.Text;
using NexOS.Ai.Engine;
using NexOS.Core.Metrics;
using NexOS.Core.Scheduling;
using NexOS.Core.Text;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Commands;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Processes;
using NexOS.Kernel.SelfEvolution;
using NexOS.Kernel.Threading;
using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Policy;
using NexOS.Services.Shell;

namespace NexOS.Kernel;

/// <summary>
/// One JSON object describing the running system, for the dashboard (StateRead of
/// StateKind.Dashboard) and the `dashboard` command: the uptime, the time on the clock the
/// audit records use, the version, memory as `mem` counts it, the processes and threads `ps`
/// lists, every metric as `metrics json` writes it, the self-evolution counts (engine
/// proposals by state, patches submitted and applied by the patch manager, hooks with a
/// canary on trial), the newest audit records oldest first and whether the audit chain
/// verifies. Every list is capped, so the text stays bounded; each part takes the lock its
/// command takes (the patch manager's gate, the audit trail's lock). docs/syscalls.md lists
/// the fields.
/// </summary>
internal static class DashboardSnapshot
{
    /// <summary>Most processes listed.</summary>
    public const int MaxProcesses = 64;

    /// <summary>Most threads listed (the count covers them all).</summary>
    public const int MaxThreads = 128;

    /// <summary>Most metrics listed.</summary>
    public const int MaxMetrics = 256;

    /// <summary>Most audit records in the timeline.</summary>
    public const int MaxTimeline = 50;

    /// <summary>The snapshot as one line of JSON.</summary>
    public static string Compose()
    {
        var text = new StringBuilder(8192);
        var w = new JsonWriter(text);
        w.StartObject()
            .Property("uptime_ns", Tsc.SinceEntryNs)
            .Property("now_ns", Tsc.NowNs) // the clock of the timeline's time_ns
            .Property("version", Kernel.Version);
        MemoryStats memory = KernelShellHost.Totals();
        w.Name("memory").StartObject()
            .Property("total_bytes", memory.TotalBytes)
            .Property("used_bytes", memory.UsedBytes)
            .Property("free_bytes", memory.FreeBytes)
            .EndObject();
        WriteProcesses(w);
        WriteThreads(w);
        WriteMetrics(w);
        PatchManager? manager = KernelEvolution.Manager;
        WriteEvolution(w, manager, KernelEvolution.Engine);
        WriteAudit(w, manager?.Trail);
        w.EndObject();
        return text.ToString();
    }

    private static void WriteProcesses(JsonWriter w)
    {
        w.Name("processes").StartArray();
        Process[] processes = ProcessTable.Snapshot();
        for (int i = 0; i < processes.Length && i < MaxProcesses; i++)
        {
            Process p = processes[i];
            bool counted = p.TryCountPages(out NexOS.Core.Paging.UserSpaceUsage usage);
            w.StartObject()
                .Property("id", p.Id)
                .Property("name", p.Name)
                .Property("state", ProcessCommands.StateName(p.State))
                .Property("threads", p.Threads.Count)
                .Name("pages");
            if (counted)
            {
                w.Value(usage.OwnedPages + usage.BorrowedPages);
            }
            else
            {
                w.Null(); // not running: its pages are gone or going
            }

            w.Name("exit_code");
            if (p.State == ProcessState.Ended)
            {
                w.Value(p.ExitCode);
            }
            else
            {
                w.Null();
            }

            w.EndObject();
        }

        w.EndArray();
    }

    private static void WriteThreads(JsonWriter w)
    {
        List<KernelThread> threads = Scheduler.Snapshot();
        int runnable = 0, blocked = 0;
        foreach (KernelThread t in threads)
        {
            runnable += t.Sched.State == ThreadState.Runnable ? 1 : 0;
            blocked += t.Sched.State == ThreadState.Blocked ? 1 : 0;
        }

        w.Name("threads").StartObject()
            .Property("count", threads.Count)
            .Property("runnable", runnable)
            .Property("blocked", blocked)
            .Name("list").StartArray();
        for (int i = 0; i < threads.Count && i < MaxThreads; i++)
        {
            KernelThread t = threads[i];
            w.StartObject()
                .Property("id", t.Id)
                .Property("name", t.Name)
                .Property("state", ThreadCommandsView.StateName(t.Sched.State))
                .Property("class", ThreadCommandsView.ClassName(t.Sched.Class))
                .Property("pid", t.Owner is Process p ? p.Id : 0)
                .Property("cpu_ns", t.Sched.CpuTimeNs)
                .EndObject();
        }

        w.EndArray().EndObject();
    }

    private static void WriteMetrics(JsonWriter w)
    {
        MetricsRefresh.Refresh();
        MetricsRegistry registry = KernelMetrics.Registry;
        w.Name("metrics").StartArray();
        for (int i = 0; i < registry.Count && i < MaxMetrics; i++)
        {
            w.Raw(registry.FormatJson(registry[i]));
        }

        w.EndArray();
    }

    private static void WriteEvolution(JsonWriter w, PatchManager? manager, EvolutionEngine? engine)
    {
        w.Name("evolution");
        if (manager == null || engine == null)
        {
            w.Null();
            return;
        }

        lock (manager.Gate)
        {
            int kept = 0, onTrial = 0, rolledBack = 0, refused = 0, canaries = 0;
            foreach (Proposal p in engine.History)
            {
                kept += p.State == ProposalState.Kept ? 1 : 0;
                onTrial += p.State == ProposalState.OnTrial ? 1 : 0;
                rolledBack += p.State == ProposalState.RolledBack ? 1 : 0;
                refused += p.State == ProposalState.Refused ? 1 : 0;
            }

            foreach (PolicyHook hook in manager.Registry.Hooks)
            {
                canaries += hook.Active is { IsCanary: true } ? 1 : 0;
            }

            w.StartObject()
                .Property("auto", engine.Auto)
                .Property("level", PolicyNames.Name(manager.Policy.Level).ToLowerInvariant())
                .Property("patch_version", manager.Current.Number)
                .Property("cycles", engine.Steps)
                .Property("proposals", engine.History.Count)
                .Property("kept", kept)
                .Property("on_trial", onTrial)
                .Property("rolled_back", rolledBack)
                .Property("refused", refused)
                .Property("submitted", manager.Submitted)
                .Property("applied", manager.Accepted)
                .Property("watchdog_removals", manager.WatchdogRemovals)
                .Property("canaries", canaries)
                .Property("quarantined", manager.Quarantined.Count)
                .EndObject();
        }
    }

    private static void WriteAudit(JsonWriter w, AuditTrail? trail)
    {
        if (trail == null)
        {
            w.Name("timeline").StartArray().EndArray().Name("audit").Null();
            return;
        }

        AuditVerifyResult verified = trail.Verify();
        w.Name("timeline").StartArray();
        trail.WithLock(w, static (t, json) =>
        {
            for (int i = Math.Max(0, t.Count - MaxTimeline); i < t.Count; i++)
            {
                AuditRecord r = t.RecordAt(i);
                json.StartObject()
                    .Property("sequence", r.Sequence)
                    .Property("time_ns", r.TimeNs)
                    .Property("kind", AuditNames.Name(r.Kind))
                    .Property("patch", r.PatchId)
                    .Property("actor", r.Actor)
                    .Property("detail", r.Detail)
                    .EndObject();
            }
        });
        w.EndArray();
        w.Name("audit").StartObject()
            .Property("records", trail.Count)
            .Property("first", trail.FirstSequence)
            .Property("chain", verified.IsIntact ? "intact" : "broken at " + verified.BrokenSequence)
            .EndObject();
    }
}
