using System.Text;
using NexOS.Ai.Engine;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Hooks;
using NexOS.Kernel.SelfEvolution;
using NexOS.Kernel.Benchmarks;
using Demos = NexOS.Kernel.Demos;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>The `evolve` command: patches, canaries, versions and the security level.</summary>
internal static class EvolveCommands
{
    private const string Usage = "usage: evolve [status | list | apply <name|id> | auto on|off | propose | explain <id> | changelog | release <source> | rollback <id>|all | policy <permissive|standard|strict|paranoid> | versions | restore <n> | exercise <n> | bench | key [list | add <id>] | demo <name> | trace start|stop|status|dump|use|cost]\n";

    private static ulong s_nextSampleId = 1000;

    /// <summary>Registers `evolve`, `audit` and `integrity`, and starts the evolve thread.</summary>
    public static void Register(Shell shell)
    {
        shell.Register("evolve", "self-modification and the AI engine: evolve status|list|apply <name|id>|auto on|off|propose|explain <id>|changelog|release <source>|rollback <id>|all|policy <level>|versions|restore <n>|exercise <n>|bench|key|demo <name>|trace start|stop|status|dump|use|cost", (host, args) => Evolve(shell, host, args));
        AuditCommands.Register(shell);
        EngineCommands.Register(shell);
        KernelEvolution.StartThread();
    }

    private static void Evolve(Shell shell, IShellHost host, ReadOnlySpan<string> args)
    {
        PatchManager? manager = KernelEvolution.Manager;
        if (manager == null)
        {
            host.Write("evolve: not initialised\n");
            return;
        }

        string sub = args.Length == 0 ? "status" : args[0];
        if (sub == "demo")
        {
            if (args.Length != 2)
            {
                host.Write($"usage: evolve demo <{Demos.EvolveDemos.Names}>\n");
                return;
            }

            Demos.EvolveDemos.Run(args[1], host);
            return;
        }

        if (sub == "trace")
        {
            // The recorder keeps its own state; the gate is taken only to hand a trace to the model.
            host.Write(TraceCommands.Run(args.Slice(1)));
            return;
        }

        if (sub == "key")
        {
            lock (manager.Gate)
            {
                host.Write(EvolveKeyCommand.Run(shell, manager, args.Slice(1)));
            }

            return;
        }

        string? arg = args.Length == 2 ? args[1] : null;
        EvolutionEngine engine = KernelEvolution.Engine!;
        if (args.Length > 2 || (args.Length == 2 && sub is "status" or "list" or "versions" or "bench" or "propose" or "changelog"))
        {
            host.Write(Usage);
            return;
        }

        if (sub is "status" or "list" or "versions" or "bench" or "exercise")
        {
            KernelEvolution.Tick();
        }

        lock (manager.Gate)
        {
            host.Write(sub switch
            {
                "status" => Status(manager) + EngineCommands.StatusLine(engine) + KernelEvolution.CostLine(),
                "list" => List(),
                "versions" => Versions(manager),
                "bench" => EvolveBench.Run(),
                "apply" when arg != null => ulong.TryParse(arg, out ulong proposal) ? EngineCommands.Apply(engine, proposal) : Apply(manager, arg),
                "auto" when arg != null => EngineCommands.Auto(engine, arg),
                "propose" => EngineCommands.Propose(engine),
                "explain" when arg != null => EngineCommands.Explain(engine, arg),
                "changelog" => EngineCommands.Changelog(engine),
                "release" when arg != null => manager.Release(arg) + "\n",
                "rollback" when arg == "all" => manager.RollbackAll() + "\n",
                "rollback" when arg != null => ulong.TryParse(arg, out ulong id) ? manager.Rollback(id) + "\n" : $"evolve rollback: '{arg}' is not a patch id\n",
                "restore" when arg != null => int.TryParse(arg, out int n) ? manager.Restore(n) + "\n" : $"evolve restore: '{arg}' is not a version number\n",
                "policy" when arg != null => Policy(manager, arg),
                "exercise" when arg != null => Exercise(manager, arg),
                _ => Usage,
            });
        }
    }

    private static string Apply(PatchManager manager, string name)
    {
        s_nextSampleId = Math.Max(s_nextSampleId, manager.HighestPatchId + 1);
        byte[]? bytes = SamplePatchCatalog.Build(name, s_nextSampleId);
        if (bytes == null)
        {
            return $"evolve apply: no sample '{name}' (see evolve list)\n";
        }

        s_nextSampleId++;
        SubmitResult result = manager.Submit(bytes, PatchOrigin.Engine);
        return result.Message + "\n";
    }

    private static string Policy(PatchManager manager, string name)
    {
        return PolicyNames.TryParseLevel(name, out SecurityLevel level)
            ? manager.SetLevel(level) + "\n"
            : $"evolve policy: unknown level '{name}' (permissive, standard, strict, paranoid)\n";
    }

    private static string Status(PatchManager manager)
    {
        SecurityPolicy p = manager.Policy;
        var sb = new StringBuilder();
        sb.Append($"level      {PolicyNames.Name(p.Level)} (canary {p.CanaryShareBp} bp, {p.CanaryMinSamples}..{p.CanaryMaxSamples} samples, confidence {p.ConfidenceBp} bp, fuel {p.MaxFuel}, loops {(p.CilLoopsAllowed ? "yes" : "no")})\n");
        sb.Append($"patches    {manager.Submitted} submitted, {manager.Accepted} accepted, {manager.WatchdogRemovals} removed by the watchdog; highest id {manager.HighestPatchId}\n");
        sb.Append($"version    {manager.Current.Number}: {manager.Current.What}\n");
        if (manager.Quarantined.Count > 0)
        {
            sb.Append($"quarantine {string.Join(", ", manager.Quarantined)} (evolve release <source> lifts it)\n");
        }

        sb.Append($"watchdog   last fault-to-restore {manager.LastFaultToRestoreNs} ns, max {manager.MaxFaultToRestoreNs} ns\n");
        foreach (PolicyHook hook in manager.Registry.Hooks)
        {
            InstalledPatch? a = hook.Active;
            string state = a == null ? "default" : a.IsCanary
                ? $"canary patch {a.PatchId} ({a.CanaryShareBp} bp; baseline n {a.Evaluator!.Baseline.Count}, canary n {a.Evaluator.Canary.Count})"
                : $"patch {a.PatchId}";
            sb.Append($"hook       {hook.Name} ({PolicyNames.Name(hook.SafetyClass)}, fuel {hook.FuelBudget}, range {hook.MinResult}..{hook.MaxResult}): {state}; {hook.Calls} calls, {hook.PatchedCalls} patched\n");
        }

        return sb.ToString();
    }

    private static string List()
    {
        var sb = new StringBuilder();
        foreach (Sample s in SamplePatchCatalog.All)
        {
            sb.Append($"{s.Name,-16} {s.Description}\n");
        }

        return sb.ToString();
    }

    private static string Versions(PatchManager manager)
    {
        var sb = new StringBuilder();
        foreach (PatchVersion v in manager.Versions)
        {
            sb.Append($"version {v.Number}{(v == manager.Current ? " (current)" : string.Empty)}: {v.What}; active patches: {v.ActivePatches()}\n");
        }

        return sb.ToString();
    }

    /// <summary>Test and benchmark aid: calls every hook <paramref name="countText"/> times with
    /// varied synthetic contexts (interrupts off per call, as at the real call sites), then
    /// lets the manager look at the canaries.</summary>
    private static string Exercise(PatchManager manager, string countText)
    {
        if (!int.TryParse(countText, out int count) || count < 1 || count > 1_000_000)
        {
            return "evolve exercise: the count must be a number from 1 to 1000000\n";
        }

        SyntheticContext.Exercise(manager.Registry, count, 0x9E3779B97F4A7C15UL);
        int changes = manager.Tick();
        return $"exercised {count} calls per hook; {changes} state changes\n";
    }
}
