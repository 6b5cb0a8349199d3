using System.IO;
using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Training;
using NexOS.Security.Policy;

namespace NexOS.Train;

/// <summary>
/// `nexos-train OUTPUT`: trains the AI engine's models on the host from traces and writes
/// their priors (the format of <see cref="ModelPriors"/>), which the build ships in the ISO as
/// the boot module "models". Exit status 0 written, 2 usage, 3 cannot write.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: nexos-train OUTPUT");
            return 2;
        }

        var priors = new ModelPriors();
        IReadOnlyList<ulong[]> sleepers = PowerTrainer.SyntheticTraces();
        PowerTrainer.Train(sleepers, EvolutionEngine.DefaultMinGainPercent, priors);
        var mixes = SchedulerTrainer.SyntheticWorkloads();
        int trials = SchedulerTrainer.Train(mixes, EvolutionEngine.DefaultMinGainPercent, priors);

        // The memory model: its proposals judged on what each scenario's workload does next,
        // at the standard level's step (the level the kernel boots at).
        IReadOnlyList<MemoryScenario> scenarios = MemoryTrainer.SyntheticScenarios();
        string memory = MemoryTrainer.Train(scenarios, SecurityPolicies.Standard.MaxParameterStepBp,
            new MemoryModel().MinGainPercent, EvolutionEngine.DefaultMinGainPercent, priors);
        Console.Error.Write(memory);

        // No history of refusals yet: the security model starts from a zero baseline.
        priors.AddValue("security.baseline_mean", 0);
        priors.AddValue("security.baseline_sd", 0);
        string text = priors.Format($"NexOS model priors, trained on the host from {sleepers.Count} sleeper traces, {scenarios.Count} allocation scenarios and {mixes.Count} scheduler mixes ({trials} held-out trials)");
        try
        {
            File.WriteAllText(args[0], text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"nexos-train: cannot write {args[0]}: {e.Message}");
            return 3;
        }

        Console.Error.WriteLine($"nexos-train: wrote {args[0]}: {priors.Families.Count} family priors, {priors.Values.Count} values");
        return 0;
    }
}
