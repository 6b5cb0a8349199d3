using System.Text;
using NexOS.Ai.Engine;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Hooks;
using NexOS.Kernel.SelfEvolution;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>
/// The AI engine at the shell: `evolve auto on|off`, `evolve propose` (dry run), `evolve
/// explain &lt;id&gt;`, `evolve apply &lt;id&gt;`, `evolve changelog`, and `models`. Every
/// method here runs with the patch manager's gate held by its caller.
/// </summary>
internal static class EngineCommands
{
    /// <summary>Registers `models`.</summary>
    public static void Register(Shell shell)
    {
        shell.Register("models", "the AI engine's models: state and recent decisions", Models);
    }

    /// <summary>`evolve auto on|off`.</summary>
    public static string Auto(EvolutionEngine engine, string onOff)
    {
        if (onOff is not ("on" or "off"))
        {
            return "evolve auto: say on or off\n";
        }

        engine.Auto = onOff == "on";
        KernelEvolution.Manager!.Trail.Append(Tsc.NowNs, Security.Audit.AuditEventKind.PolicyChanged, 0, "engine", "automatic evolution " + onOff);
        return $"automatic evolution {onOff}: the engine {(engine.Auto ? "submits its best proposal each cycle when none is on trial" : "only proposes (evolve propose, evolve apply <id>)")}\n";
    }

    /// <summary>`evolve propose`: what the models would do now and why; nothing is applied.</summary>
    public static string Propose(EvolutionEngine engine)
    {
        IReadOnlyList<Proposal> proposals = engine.Analyse(Tsc.NowNs);
        if (proposals.Count == 0)
        {
            return $"no proposals: the models see nothing to change ({engine.Monitor.Rounds} samples so far)\n";
        }

        var sb = new StringBuilder();
        sb.Append($"{proposals.Count} proposals, best first (dry run: nothing applied; evolve apply <id> submits one)\n");
        foreach (Proposal p in proposals)
        {
            sb.Append(ProposalText.Line(p)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>`evolve explain &lt;id&gt;`.</summary>
    public static string Explain(EvolutionEngine engine, string idText)
    {
        Proposal? p = ulong.TryParse(idText, out ulong id) ? engine.Find(id) : null;
        return p == null ? $"evolve explain: no proposal '{idText}' (see evolve propose)\n" : ProposalText.Explain(p);
    }

    /// <summary>`evolve apply &lt;id&gt;`: submits a proposal of the last dry run or cycle.</summary>
    public static string Apply(EvolutionEngine engine, ulong id)
    {
        Proposal? p = engine.Find(id);
        return p == null
            ? $"evolve apply: no proposal {id} (see evolve propose)\n"
            : $"proposal {id}: {engine.Submit(p, Tsc.NowNs)}\n";
    }

    /// <summary>`evolve changelog`.</summary>
    public static string Changelog(EvolutionEngine engine) => ProposalText.Changelog(engine.History);

    /// <summary>One line about the engine for `evolve status`.</summary>
    public static string StatusLine(EvolutionEngine engine)
    {
        int kept = 0, rolledBack = 0, refused = 0, trial = 0;
        foreach (Proposal p in engine.History)
        {
            kept += p.State == ProposalState.Kept ? 1 : 0;
            rolledBack += p.State == ProposalState.RolledBack ? 1 : 0;
            refused += p.State == ProposalState.Refused ? 1 : 0;
            trial += p.State == ProposalState.OnTrial ? 1 : 0;
        }

        return $"engine     auto {(engine.Auto ? "on" : "off")}, {engine.Steps} cycles, {engine.Models.Count} models; submitted {engine.History.Count}: {kept} kept, {trial} on trial, {rolledBack} rolled back, {refused} refused\n";
    }

    private static void Models(IShellHost host, ReadOnlySpan<string> args)
    {
        EvolutionEngine? engine = KernelEvolution.Engine;
        if (args.Length > 1 || engine == null)
        {
            host.Write(engine == null ? "models: the engine is not running\n" : "usage: models [name]\n");
            return;
        }

        var sb = new StringBuilder();
        if (args.Length == 0)
        {
            sb.Append("priors: ").Append(KernelEvolution.PriorsLine).Append('\n');
        }

        lock (KernelEvolution.Manager!.Gate)
        {
            foreach (IEvolutionModel model in engine.Models)
            {
                if (args.Length == 0 || args[0] == model.Name)
                {
                    sb.Append(model.Describe());
                    sb.Append($"  cost: {engine.Cost.ModelNs(model.Name) / 1000} us CPU, {engine.Cost.ModelBytes(model.Name) / 1024} KiB allocated in its analyses since boot\n");
                }
            }

            if (args.Length == 0)
            {
                // The rest of the engine's account: sampling the metrics each cycle.
                sb.Append($"monitor: {engine.Monitor.Channels.Count} channels, {engine.Monitor.Rounds} rounds; cost: {engine.Cost.ModelNs("monitor") / 1000} us CPU, {engine.Cost.ModelBytes("monitor") / 1024} KiB allocated since boot\n");
            }
        }

        host.Write(sb.Length == 0 ? $"models: no model '{args[0]}'\n" : sb.ToString());
    }
}
