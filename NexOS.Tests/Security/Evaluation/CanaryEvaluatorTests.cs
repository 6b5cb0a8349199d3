using NexOS.Security.Evaluation;
using NexOS.Security.Policy;

namespace NexOS.Tests.Security.Evaluation;

[TestFixture]
public sealed class CanaryEvaluatorTests
{
    private static double Gaussian(Random random, double mean, double sd)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return mean + (sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    // Feeds both arms one sample at a time, asking for a verdict after each pair, and returns
    // the first decisive verdict and how many samples per arm it took.
    private static (CanaryVerdict Verdict, int Samples) Run(CanaryEvaluator evaluator, Random random, double baselineMean, double canaryMean, double sd, int limit = 1_000_000)
    {
        for (int n = 1; n <= limit; n++)
        {
            evaluator.AddBaseline(Gaussian(random, baselineMean, sd));
            evaluator.AddCanary(Gaussian(random, canaryMean, sd));
            CanaryVerdict verdict = evaluator.Decide();
            if (verdict != CanaryVerdict.Undecided)
            {
                return (verdict, n);
            }
        }

        return (CanaryVerdict.Undecided, limit);
    }

    [Test]
    public void ClearDegradationRollsBackAtTheFirstLook()
    {
        var evaluator = CanaryEvaluator.ForPolicy(SecurityPolicies.Standard, MetricDirection.LowerIsBetter);
        (CanaryVerdict verdict, int samples) = Run(evaluator, new Random(1), 100_000, 130_000, 10_000);
        Assert.That((verdict, samples), Is.EqualTo((CanaryVerdict.RollBack, SecurityPolicies.Standard.CanaryMinSamples)));
        Assert.That(evaluator.LastStatistic, Is.LessThan(-5));
    }

    [Test]
    public void ClearGainIsKept()
    {
        var evaluator = CanaryEvaluator.ForPolicy(SecurityPolicies.Strict, MetricDirection.HigherIsBetter);
        (CanaryVerdict verdict, int samples) = Run(evaluator, new Random(2), 1000, 1100, 100);
        Assert.That(verdict, Is.EqualTo(CanaryVerdict.Keep));
        Assert.That(samples, Is.EqualTo(SecurityPolicies.Strict.CanaryMinSamples));
        Assert.That(evaluator.LastConfidenceBetter, Is.GreaterThan(0.999));
        Assert.That(evaluator.LastDegreesOfFreedom, Is.InRange(700, 1000));
    }

    [Test]
    public void SmallGainNeedsMoreLooks()
    {
        var evaluator = new CanaryEvaluator(MetricDirection.LowerIsBetter, 9500, 50, 100_000);
        (CanaryVerdict verdict, int samples) = Run(evaluator, new Random(3), 100, 98, 10);
        Assert.That(verdict, Is.EqualTo(CanaryVerdict.Keep));
        Assert.That(samples, Is.GreaterThan(50));
        Assert.That(samples % 50, Is.Zero, "decisions happen only at planned looks");
    }

    [Test]
    public void NoiseStaysUndecidedUntilTheLimitThenRollsBack()
    {
        SecurityPolicy policy = SecurityPolicies.Standard;
        var evaluator = CanaryEvaluator.ForPolicy(policy, MetricDirection.LowerIsBetter);
        (CanaryVerdict verdict, int samples) = Run(evaluator, new Random(4), 500, 500, 50);
        Assert.That((verdict, samples), Is.EqualTo((CanaryVerdict.RollBack, policy.CanaryMaxSamples)));
        Assert.That(evaluator.LastConfidenceBetter, Is.InRange(0.05, 0.99));
    }

    [Test]
    public void DeadlineForcesAFinalDecision()
    {
        var evaluator = CanaryEvaluator.ForPolicy(SecurityPolicies.Standard, MetricDirection.LowerIsBetter);
        var random = new Random(5);
        for (int i = 0; i < 150; i++)
        {
            evaluator.AddBaseline(Gaussian(random, 500, 50));
            evaluator.AddCanary(Gaussian(random, 500, 50));
        }

        Assert.That(evaluator.Decide(), Is.EqualTo(CanaryVerdict.Undecided), "between looks");
        Assert.That(evaluator.Decide(deadlinePassed: true), Is.EqualTo(CanaryVerdict.RollBack));
    }

    [Test]
    public void RepeatedLooksRarelyKeepAChangeThatIsNoBetter()
    {
        int kept = 0;
        for (int run = 0; run < 200; run++)
        {
            var evaluator = new CanaryEvaluator(MetricDirection.HigherIsBetter, 9500, 20, 640);
            if (Run(evaluator, new Random(1000 + run), 10, 10, 3).Verdict == CanaryVerdict.Keep)
            {
                kept++;
            }
        }

        // At most 5% by design (Bonferroni over the looks); with 200 runs allow some luck.
        Assert.That(kept, Is.LessThanOrEqualTo(10));
    }

    [Test]
    public void ConstantArmsDecideByTheSignOfTheDifference()
    {
        var better = new CanaryEvaluator(MetricDirection.LowerIsBetter, 9500, 5, 10);
        var same = new CanaryEvaluator(MetricDirection.LowerIsBetter, 9500, 5, 10);
        for (int i = 0; i < 5; i++)
        {
            better.AddBaseline(10);
            better.AddCanary(9);
            same.AddBaseline(10);
            same.AddCanary(10);
        }

        Assert.That(better.Decide(), Is.EqualTo(CanaryVerdict.Keep));
        Assert.That(same.Decide(), Is.EqualTo(CanaryVerdict.Undecided));
        for (int i = 0; i < 5; i++)
        {
            same.AddBaseline(10);
            same.AddCanary(10);
        }

        Assert.That(same.Decide(), Is.EqualTo(CanaryVerdict.RollBack));
    }

    [Test]
    public void IsDeterministicAndAllocationFree()
    {
        var a = new CanaryEvaluator(MetricDirection.LowerIsBetter, 9900, 30, 3000);
        var b = new CanaryEvaluator(MetricDirection.LowerIsBetter, 9900, 30, 3000);
        var samples = new double[6000];
        var random = new Random(6);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = Gaussian(random, 100, 20);
        }

        a.Decide();
        int decisive = 0;
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 3000; i++)
            {
                a.AddBaseline(samples[2 * i]);
                a.AddCanary(samples[(2 * i) + 1]);
                decisive += a.Decide() != CanaryVerdict.Undecided ? 1 : 0;
            }
        });
        Assert.That(allocated, Is.Zero);
        for (int i = 0; i < 3000; i++)
        {
            b.AddBaseline(samples[2 * i]);
            b.AddCanary(samples[(2 * i) + 1]);
            b.Decide();
        }

        Assert.That(BitConverter.DoubleToInt64Bits(b.LastStatistic), Is.EqualTo(BitConverter.DoubleToInt64Bits(a.LastStatistic)));
        Assert.That(BitConverter.DoubleToInt64Bits(b.LastConfidenceBetter), Is.EqualTo(BitConverter.DoubleToInt64Bits(a.LastConfidenceBetter)));
        Assert.That(decisive, Is.GreaterThan(0));
        Assert.That(a.Looks, Is.EqualTo(9));
    }
}
