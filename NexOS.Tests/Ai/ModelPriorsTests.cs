using System.Text;
using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Training;
using NexOS.Tests.Security.Patching;

namespace NexOS.Tests.Ai;

/// <summary>Pre-trained priors: the trainer's output parses back, primes the models, and bad files
/// are skipped line by line with reasons.</summary>
[TestFixture]
public class ModelPriorsTests
{
    [Test]
    public void TrainedPriorsRoundTripAndPrimeTheModels()
    {
        var priors = new ModelPriors();
        PowerTrainer.Train(PowerTrainer.SyntheticTraces(), EvolutionEngine.DefaultMinGainPercent, priors);
        ModelPriors read = ModelPriors.Parse(Encoding.UTF8.GetBytes(priors.Format("trained for a test")));
        Assert.That(read.Errors, Is.Empty);
        Assert.That(read.Source, Is.EqualTo("trained for a test"));
        Assert.That(read.Families, Has.Count.EqualTo(1));
        double gain = read.Value(PowerModel.GainPrior, double.NaN);
        Assert.That(gain, Is.GreaterThan(1).And.LessThan(100));

        var kit = new EvolutionKit();
        var engine = new EvolutionEngine(kit.Manager, new NexOS.Ai.Monitoring.MetricMonitor(4), new PerformanceModel(), 1);
        var power = new PowerModel();
        engine.AddModel(power);
        Assert.That(engine.ApplyPriors(read), Is.EqualTo("primed from trained for a test: 1 family priors, 1 values"));
        Assert.That(power.GainPerDoublingPercent, Is.EqualTo(gain).Within(1e-5));
        int family = engine.Performance.Families.IndexOf("power.slack.up");
        Assert.That(engine.Performance.Families.KeepRate(family), Is.EqualTo(read.Families[0].Kept / (read.Families[0].Kept + read.Families[0].RolledBack)).Within(1e-9));
    }

    [Test]
    public void SlackHelpsFastSleepersAndNotALoneSlowOne()
    {
        ulong[] lone = { 100_000_000 };
        Assert.That(PowerTrainer.WakeUpsPerSecond(lone, 0), Is.EqualTo(PowerTrainer.WakeUpsPerSecond(lone, 4_000_000)));
        ulong[] fast = { 1_000_000, 1_300_000, 1_700_000 };
        Assert.That(PowerTrainer.WakeUpsPerSecond(fast, 2_000_000), Is.LessThan(PowerTrainer.WakeUpsPerSecond(fast, 0) / 2));
    }

    [TestCase("family a 1", "line 1: unknown entry 'family'")]
    [TestCase("family a x 1", "line 1: expected: family <name>")]
    [TestCase("family a -1 1", "line 1: expected: family <name>")]
    [TestCase("value k NaN", "line 1: expected: value <model.key> <number>")]
    [TestCase("value k 1e999", "line 1: expected: value <model.key> <number>")]
    [TestCase("frobnicate", "line 1: unknown entry 'frobnicate'")]
    public void BadLinesAreSkippedWithAReason(string line, string error)
    {
        ModelPriors priors = ModelPriors.Parse(Encoding.UTF8.GetBytes(line + "\nvalue ok 2\n"));
        Assert.That(priors.Errors, Has.Count.EqualTo(1));
        Assert.That(priors.Errors[0], Does.StartWith(error));
        Assert.That(priors.Value("ok", 0), Is.EqualTo(2));
    }

    [Test]
    public void RandomBytesNeverThrowAndEntriesAreBounded()
    {
        var random = new Random(9);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            Assert.DoesNotThrow(() => ModelPriors.Parse(bytes));
        }

        var many = new StringBuilder();
        for (int i = 0; i < ModelPriors.MaxEntries + 10; i++)
        {
            many.Append("value k").Append(i).Append(" 1\n");
        }

        ModelPriors big = ModelPriors.Parse(Encoding.UTF8.GetBytes(many.ToString()));
        Assert.That(big.Values, Has.Count.EqualTo(ModelPriors.MaxEntries));
        Assert.That(big.Errors, Has.Count.EqualTo(10));
    }
}
