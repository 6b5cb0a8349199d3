using System.Text;
using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Training;
using NexOS.Core.Heap;
using NexOS.Security.Policy;

namespace NexOS.Tests.Ai.Memory;

/// <summary>The memory model's trainer: deterministic, its output parses, and priming with it
/// changes what the model believes and so what it proposes.</summary>
[TestFixture]
public sealed class MemoryTrainerTests
{
    private static string Trained(out string summary)
    {
        var priors = new ModelPriors();
        summary = MemoryTrainer.Train(MemoryTrainer.SyntheticScenarios(), SecurityPolicies.Standard.MaxParameterStepBp,
            new MemoryModel().MinGainPercent, EvolutionEngine.DefaultMinGainPercent, priors);
        return priors.Format("memory trainer test");
    }

    [Test]
    public void TrainingIsDeterministicAndItsOutputParses()
    {
        string a = Trained(out string summary);
        TestContext.Out.WriteLine(summary + a);
        Assert.That(Trained(out _), Is.EqualTo(a));
        ModelPriors read = ModelPriors.Parse(Encoding.UTF8.GetBytes(a));
        Assert.That(read.Errors, Is.Empty);
        Assert.That(read.Families, Has.Count.EqualTo(MemoryModel.Families.Count));
        foreach (string family in MemoryModel.Families)
        {
            double r = read.Value(MemoryModel.ReliabilityPrior + family, double.NaN);
            Assert.That(r, Is.InRange(0.0, MemoryModel.MaxReliability), family);
        }

        // Borrowing helps most scenarios the model sees, but not those whose working set
        // changes size afterwards: some of its proposals are rolled back, and its starting
        // reliability is below the untrained 1.
        (string _, double kept, double rolledBack) = read.Families[0];
        Assert.That(read.Families[0].Name, Is.EqualTo("heap.borrow.more"));
        Assert.That(kept, Is.GreaterThan(rolledBack));
        Assert.That(rolledBack, Is.GreaterThan(1));
        Assert.That(read.Value(MemoryModel.ReliabilityPrior + "heap.borrow.more", 1), Is.GreaterThan(0.1).And.LessThan(1));
    }

    [Test]
    public void PrimingSetsTheModelsReliabilities()
    {
        ModelPriors read = ModelPriors.Parse(Encoding.UTF8.GetBytes(Trained(out _)));
        var kit = new MemoryKit();
        Assert.That(kit.Model.ReliabilityOf("heap.borrow.more"), Is.EqualTo(1));
        kit.Engine.ApplyPriors(read);
        Assert.That(kit.Model.ReliabilityOf("heap.borrow.more"), Is.EqualTo(read.Value("memory.reliability.heap.borrow.more", double.NaN)).Within(1e-6));
        Assert.That(kit.Model.Describe(), Does.Contain($"heap.borrow.more: reliability {kit.Model.ReliabilityOf("heap.borrow.more"):F2}"));
    }

    [Test]
    public void APrimedDistrustStopsAProposalTheSimulatorLikes()
    {
        var kit = new MemoryKit();
        kit.Steps(MemoryModel.Window, 55);
        Assert.That(kit.MemoryProposal(), Is.Not.Null);

        var distrust = ModelPriors.Parse(Encoding.UTF8.GetBytes("value memory.reliability.heap.borrow.more 0.05\nvalue memory.reliability.heap.reuse.less 7\n"));
        var primed = new MemoryKit();
        primed.Engine.ApplyPriors(distrust);
        Assert.That(primed.Model.ReliabilityOf("heap.reuse.less"), Is.EqualTo(MemoryModel.MaxReliability), "clamped");
        primed.Steps(MemoryModel.Window, 55);
        Proposal? p = primed.MemoryProposal();
        Assert.That(p?.Family, Is.Not.EqualTo("heap.borrow.more"), primed.Model.Describe());
    }

    [Test]
    public void ABorrowChangeThatCannotApplyToTheFutureIsRolledBackInTraining()
    {
        var one = new[] { MemoryTrainer.SyntheticScenarios()[5] }; // working set shrinks to 32 bytes
        var priors = new ModelPriors();
        string summary = MemoryTrainer.Train(one, SecurityPolicies.Standard.MaxParameterStepBp, 10, 1, priors);
        Assert.That(summary, Does.StartWith("heap.borrow.more: "));
        double proposals = CountOf(summary, "heap.borrow.more: ", " proposals");
        Assert.That(proposals, Is.GreaterThanOrEqualTo(1));
        Assert.That(priors.Families[0], Is.EqualTo(("heap.borrow.more", 1.0, 1.0 + proposals)), "every one rolled back");

        // Each lesson's measured / simulated ratio is 0; one pseudo-observation at 1 remains.
        Assert.That(priors.Value("memory.reliability.heap.borrow.more", double.NaN), Is.EqualTo(1 / (1 + proposals)).Within(1e-9));
        Assert.That(new AllocatorSimulator().Run(one[0].Future, new PlacementSettings(25, 100)).Fragmentation,
            Is.EqualTo(new AllocatorSimulator().Run(one[0].Future, PlacementSettings.Default).Fragmentation), "32-byte cells may not borrow 64-byte ones at 25% waste");
    }

    private static double CountOf(string summary, string after, string before)
    {
        int a = summary.IndexOf(after, StringComparison.Ordinal) + after.Length;
        return double.Parse(summary[a..summary.IndexOf(before, a, StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
