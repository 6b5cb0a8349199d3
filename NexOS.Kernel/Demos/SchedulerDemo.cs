using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Policy;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Services.Shell;
using NexOS.Kernel.SelfEvolution;

namespace NexOS.Kernel.Demos;

/// <summary>
/// `evolve demo scheduler`: I/O-bound threads wait behind CPU-bound ones; the engine's
/// scheduler and code models shadow-evaluate changes in the simulator; the best goes through
/// the patch manager (verified under the security level, a CIL patch on canary) and the engine
/// keeps it only if the measured I/O wait did not get worse. A deliberately harmful candidate
/// (eight times the slice for every thread) is submitted first and must be rolled back.
/// <para>The starting point is the adaptive policy as a plain round robin (no boost, no decay),
/// applied as an audited parameter patch: the kernel's default boost already protects I/O
/// threads, so without this there is nothing to repair. At the end the demo stops its threads
/// and rolls that patch back, which restores the state before the demo, the engine's patch
/// included (the audit trail and the engine's learning stay).</para>
/// </summary>
internal static class SchedulerDemo
{
    private const int Windows = 5;
    private const ulong WindowNs = 1_000_000_000;
    private const ulong SettleNs = 2_000_000_000;
    private const ulong TrialTimeoutNs = 90_000_000_000;

    /// <summary>Engine rounds at most: the ranking explores, so the first kept change need not
    /// be the best; each round starts from the state the last one left.</summary>
    private const int Rounds = 3;

    /// <summary>The adaptive policy's parameters the demo's starting point sets to 0.</summary>
    private static readonly string[] s_zeroed = { "boost_levels", "max_boost", "max_decay" };

    public static void Run(IShellHost host)
    {
        // The engine cycles on every 100 ms tick while the demo runs, so trials end in seconds.
        KernelEvolution.UseFastCycles(true);
        try
        {
            RunDemo(host);
        }
        finally
        {
            KernelEvolution.UseFastCycles(false);
        }
    }

    private static void RunDemo(IShellHost host)
    {
        PatchManager? manager = KernelEvolution.Manager;
        EvolutionEngine? engine = KernelEvolution.Engine;
        if (manager == null || engine == null || engine.FindModel("scheduler") is not SchedulerModel model || engine.FindModel("code") is not CodeModel)
        {
            host.Write("evolve demo scheduler: the engine or its scheduler models are not running\n");
            return;
        }

        ulong started = Tsc.NowNs;
        KernelThread? evolve = FindThread("evolve");
        ulong evolveCpu0 = evolve?.Sched.CpuTimeNs ?? 0;
        ulong busy0;
        ulong bytes0;
        lock (manager.Gate)
        {
            busy0 = engine.Cost.BusyNs;
            bytes0 = engine.Cost.AllocatedBytes;
        }

        ulong setupId;
        string verdict;
        lock (manager.Gate)
        {
            setupId = manager.HighestPatchId + 1;
            SubmitResult r = manager.Submit(PlainRoundRobin(manager, setupId), PatchOrigin.Engine);
            verdict = r.Message;
            if (!r.Accepted)
            {
                host.Write($"{{\"scenario\":\"scheduler\",\"phase\":\"setup\",\"error\":\"{Escape(verdict)}\"}}\n");
                return;
            }
        }

        ParameterSet reference = Copy(manager.Registry.FindParameterSet("sched.normal")!);
        host.Write($"{{\"scenario\":\"scheduler\",\"phase\":\"setup\",\"patch\":{setupId},\"verdict\":\"{Escape(verdict)}\",\"io_threads\":{SchedulerDemoWorkload.IoThreads},\"cpu_threads\":{SchedulerDemoWorkload.CpuThreads}}}\n");
        var workload = new SchedulerDemoWorkload();
        workload.Start();
        Scheduler.Sleep(SettleNs);
        Refresh(manager, engine);
        DemoPhase before = SchedulerDemoWorkload.Measure(Windows, WindowNs, evolve);
        host.Write(before.Json("before") + "\n");

        // The harmful candidate: valid code, eight times every slice. The canary must catch it.
        var harmful = new PolicyProgram(HookCatalog.TimeSliceName, 9, true, 0, -1, ProgramAction.Scale, 8, 1, ProgramAction.Keep, 0, 1);
        var bad = new SchedulerCandidate { Family = "demo.harmful.slice", Target = harmful.Hook, Program = harmful, Body = harmful.Assemble(), Why = "harmful: " + harmful };
        var badProposal = new Proposal("code", bad.Family, bad.Target, bad.Kind, SchedulerShadowModel.Metric, true, 50, bad.Why, id => bad.Encode(id, Tsc.NowNs, "evolve-demo", 50));
        Trial(host, manager, engine, badProposal, "harmful");
        Scheduler.Sleep(SettleNs);

        var chosen = new List<Proposal>();
        SchedulerWorkload? chosenOn = null;
        for (int round = 0; round < Rounds; round++)
        {
            Refresh(manager, engine);
            Proposal? next = Choose(host, manager, engine);
            chosenOn ??= model.LastWorkload;
            if (next == null)
            {
                break;
            }

            chosen.Add(next);
            Trial(host, manager, engine, next, "engine");
            Scheduler.Sleep(SettleNs);
        }

        Refresh(manager, engine);
        DemoPhase after = SchedulerDemoWorkload.Measure(Windows, WindowNs, evolve);
        host.Write(after.Json("after") + "\n");
        string sweep = Sweep(model.Shadow, chosenOn, reference, manager);
        host.Write(sweep + "\n");

        int stopped = workload.Stop();
        string restore;
        lock (manager.Gate)
        {
            restore = manager.Rollback(setupId);
        }

        host.Write($"{{\"scenario\":\"scheduler\",\"phase\":\"cleanup\",\"threads_stopped\":{stopped},\"restore\":\"{Escape(restore)}\"}}\n");
        ulong elapsed = Tsc.NowNs - started;
        double evolveCpu = evolve == null ? 0 : (evolve.Sched.CpuTimeNs - evolveCpu0) * 100.0 / elapsed;

        // The engine's cost is all its work, on whichever thread: the evolve thread's cycles and
        // the analyses this demo asks for on the shell thread (the demo's own sweep excluded).
        ulong busy;
        ulong bytes;
        lock (manager.Gate)
        {
            busy = engine.Cost.BusyNs - busy0;
            bytes = engine.Cost.AllocatedBytes - bytes0;
        }

        // CPU-bound throughput as CPU time per second of the CPU-bound class (its CPU share):
        // unlike work units per second it does not follow the emulator's host-dependent speed.
        // Work units are printed as well, raw and divided by a speed probe (docs/ai-engine.md).
        double change = Change(before.CpuShare, after.CpuShare);
        double raw = Change(before.UnitsPerSecond, after.UnitsPerSecond);
        double normalized = Change(before.NormalizedUnits, after.NormalizedUnits);
        int rolledBack = badProposal.State == ProposalState.RolledBack ? 1 : 0;
        string patches = PatchJson(badProposal);
        foreach (Proposal p in chosen)
        {
            rolledBack += p.State == ProposalState.RolledBack ? 1 : 0;
            patches += "," + PatchJson(p);
        }

        host.Write($"{{\"scenario\":\"scheduler\",\"metric\":\"io_wait_ns\",\"before\":{before.IoWaitMeanNs:F0},\"after\":{after.IoWaitMeanNs:F0}," +
            $"\"before_p99\":{before.IoWaitP99Ns:F0},\"after_p99\":{after.IoWaitP99Ns:F0},\"cpu_throughput_change\":{change:F4},\"cpu_units_change\":{raw:F4},\"cpu_units_change_normalized\":{normalized:F4}," +
            $"\"patches\":[{patches}],\"rolled_back\":{rolledBack}," +
            $"\"harmful_kept\":{(badProposal.State == ProposalState.Kept ? "true" : "false")},\"seconds\":{elapsed / 1e9:F1},\"evolve_cpu_percent\":{evolveCpu:F2}," +
            $"\"engine_cpu_ms\":{busy / 1_000_000},\"engine_cpu_percent\":{busy * 100.0 / elapsed:F2},\"engine_alloc_kib\":{bytes / 1024}}}\n");
    }

    private static double Change(double before, double after) => before > 0 ? (after - before) / before : 0;

    /// <summary>Makes both models current now, under the gate, so that no shadow search falls
    /// into the next measurement: an analysis searches only when the state changed or the mix
    /// drifted, and this one pays for it before the measurement starts.</summary>
    private static void Refresh(PatchManager manager, EvolutionEngine engine)
    {
        lock (manager.Gate)
        {
            engine.Analyse(Tsc.NowNs);
        }
    }

    /// <summary>The engine's best scheduler proposal (dry run, ranked by the performance model).</summary>
    private static Proposal? Choose(IShellHost host, PatchManager manager, EvolutionEngine engine)
    {
        lock (manager.Gate)
        {
            IReadOnlyList<Proposal> ranked = engine.Analyse(Tsc.NowNs);
            string list = string.Empty;
            Proposal? best = null;
            foreach (Proposal p in ranked)
            {
                if (p.Model != "scheduler" && p.Model != "code")
                {
                    continue;
                }

                best ??= p;
                list += (list.Length == 0 ? string.Empty : ",") +
                    $"{{\"id\":{p.Id},\"model\":\"{p.Model}\",\"family\":\"{p.Family}\",\"simulated_gain\":{p.SimulatedGainPercent:F1},\"cost\":{p.SideCostPercent:F2},\"score\":{p.Score:F1},\"why\":\"{Escape(p.Why)}\"}}";
            }

            host.Write($"{{\"scenario\":\"scheduler\",\"phase\":\"analyse\",\"proposals\":[{list}]}}\n");
            return best;
        }
    }

    /// <summary>Submits <paramref name="p"/> through the engine and waits until the canary, the
    /// watchdog or the engine's measurement has decided (the evolve thread follows it).</summary>
    private static void Trial(IShellHost host, PatchManager manager, EvolutionEngine engine, Proposal p, string phase)
    {
        string verdict;
        lock (manager.Gate)
        {
            verdict = engine.Submit(p, Tsc.NowNs);
        }

        ulong deadline = Tsc.NowNs + TrialTimeoutNs;
        while (p.State == ProposalState.OnTrial && Tsc.NowNs < deadline)
        {
            Scheduler.Sleep(100_000_000);
        }

        host.Write($"{{\"scenario\":\"scheduler\",\"phase\":\"{phase}\",\"patch\":{p.PatchId},\"family\":\"{p.Family}\",\"state\":\"{StateName(p.State)}\"," +
            $"\"metric_before\":{p.MetricBefore:F0},\"metric_after\":{p.MetricAfter:F0},\"submitted\":\"{Escape(verdict)}\",\"why\":\"{Escape(p.Why)}\"}}\n");
    }

    /// <summary>The best static setting in the simulator against the state the engine reached
    /// (the live parameters and hook patches, replayed on the same workload reading).</summary>
    private static string Sweep(SchedulerShadow shadow, SchedulerWorkload? w, ParameterSet reference, PatchManager manager)
    {
        if (w == null)
        {
            return "{\"scenario\":\"scheduler\",\"phase\":\"sweep\",\"error\":\"no workload reading\"}";
        }

        SweepPoint point = SchedulerSweep.Run(shadow, w, reference);
        double baseline = shadow.Run(w, reference, ReadOnlySpan<ParameterChange>.Empty, null, null).IoWaitNs;
        double engineWait;
        lock (manager.Gate)
        {
            engineWait = new ShadowContext(shadow, w, manager).Baseline.IoWaitNs;
        }

        double ratio = point.Result.IoWaitNs > 0 ? engineWait / point.Result.IoWaitNs : 1;
        return $"{{\"scenario\":\"scheduler\",\"phase\":\"sweep\",\"workload\":\"{Escape(w.ToString())}\",\"baseline_io_wait_ns\":{baseline:F0}," +
            $"\"best_static\":{{\"slice_ns\":{point.SliceNs},\"boost_levels\":{point.BoostLevels},\"max_boost\":{point.MaxBoost},\"io_wait_ns\":{point.Result.IoWaitNs:F0},\"cost\":{point.CostPercent:F2}}}," +
            $"\"engine_io_wait_ns\":{engineWait:F0},\"engine_vs_best_static\":{ratio:F3}}}";
    }

    private static byte[] PlainRoundRobin(PatchManager manager, ulong patchId)
    {
        ParameterSet live = manager.Registry.FindParameterSet("sched.normal")!;
        var changes = new List<ParameterChange>();
        foreach (string name in s_zeroed)
        {
            if (live.Find(name) != null)
            {
                changes.Add(new ParameterChange(name, 0));
            }
        }

        var provenance = new PatchProvenance(patchId, Tsc.NowNs, PatchOrigin.Engine, "evolve-demo", "demo baseline: plain round robin (no boost, no decay)", "none", 0);
        PatchWriter.TryWrite(Patch.ForParameters("sched.normal", changes.ToArray(), provenance), null, out byte[]? bytes, out _);
        return bytes ?? Array.Empty<byte>();
    }

    /// <summary>A detached copy of <paramref name="set"/>'s values (the sweep's reference: the
    /// demo's starting point, whatever is live when the sweep runs).</summary>
    private static ParameterSet Copy(ParameterSet set)
    {
        var copy = new ParameterSet();
        foreach (Parameter p in set.All)
        {
            copy.Add(new Parameter(p.Name, p.Unit, p.Min, p.Max, p.Default, p.Description)).TrySet(p.Value);
        }

        return copy;
    }

    private static string PatchJson(Proposal p) =>
        $"{{\"id\":{p.PatchId},\"model\":\"{p.Model}\",\"family\":\"{p.Family}\",\"kind\":\"{(p.Kind == PatchKind.Cil ? "cil" : "parameters")}\",\"target\":\"{p.Target}\",\"state\":\"{StateName(p.State)}\"}}";

    private static string StateName(ProposalState s) => ProposalText.Name(s);

    private static KernelThread? FindThread(string name)
    {
        foreach (KernelThread t in Scheduler.Snapshot())
        {
            if (t.Name == name)
            {
                return t;
            }
        }

        return null;
    }

    private static string Escape(string s) => EvolveDemos.JsonEscape(s);
}
