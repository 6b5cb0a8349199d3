using System.Linq;
using NexOS.Ai.Learning;

namespace NexOS.Tests.Ai;

[TestFixture]
public sealed class FamilyBanditTests
{
    [Test]
    public void RandomNumbersFollowTheirDistributions()
    {
        var random = new SplitMix(7);
        double[] uniform = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble()).ToArray();
        Assert.That(uniform.Min(), Is.GreaterThanOrEqualTo(0));
        Assert.That(uniform.Max(), Is.LessThan(1));
        Assert.That(uniform.Average(), Is.EqualTo(0.5).Within(0.01));

        double[] gamma = Enumerable.Range(0, 20_000).Select(_ => random.NextGamma(3)).ToArray();
        Assert.That(gamma.Average(), Is.EqualTo(3).Within(0.1), "Gamma(3) has mean 3");
        double[] small = Enumerable.Range(0, 20_000).Select(_ => random.NextGamma(0.5)).ToArray();
        Assert.That(small.Average(), Is.EqualTo(0.5).Within(0.03));
        double[] beta = Enumerable.Range(0, 20_000).Select(_ => random.NextBeta(2, 6)).ToArray();
        Assert.That(beta.Average(), Is.EqualTo(0.25).Within(0.01), "Beta(2, 6) has mean 1/4");
        Assert.That(random.NextGamma(double.NaN), Is.Zero);
        Assert.That(random.NextGamma(-1), Is.Zero);
        Assert.That(random.NextBeta(0, 0), Is.EqualTo(0.5));
        Assert.That(random.Next(0), Is.Zero);
    }

    [Test]
    public void SameSeedSameDecisions()
    {
        FamilyBandit a = ThreeFamilies();
        FamilyBandit b = ThreeFamilies();
        var ra = new SplitMix(99);
        var rb = new SplitMix(99);
        for (int i = 0; i < 100; i++)
        {
            Assert.That(a.Choose(ref ra), Is.EqualTo(b.Choose(ref rb)));
        }
    }

    [Test]
    public void FamiliesThatKeepFailingAreProposedLessButNotNever()
    {
        FamilyBandit bandit = ThreeFamilies();
        var random = new SplitMix(1);
        var outcomes = new SplitMix(2);
        double[] keepRate = { 0.8, 0.1, 0.4 };
        int[] chosen = new int[3];
        for (int round = 0; round < 2000; round++)
        {
            int family = bandit.Choose(ref random);
            chosen[family]++;
            Assert.That(bandit.Learn(family, outcomes.NextDouble() < keepRate[family]), Is.True);
        }

        Assert.That(chosen[0], Is.GreaterThan(chosen[1] * 5), string.Join(", ", chosen));
        Assert.That(chosen[0], Is.GreaterThan(chosen[2]));
        Assert.That(chosen[1], Is.GreaterThan(0), "still explored");
        Assert.That(bandit.KeepRate(0), Is.GreaterThan(bandit.KeepRate(1)));
        Assert.That(bandit.Kept(0) + bandit.RolledBack(0), Is.EqualTo((ulong)chosen[0]));
    }

    [Test]
    public void BeliefFollowsAChangingWorld()
    {
        FamilyBandit bandit = ThreeFamilies();
        for (int i = 0; i < 300; i++)
        {
            bandit.Learn(0, kept: true);
        }

        for (int i = 0; i < 300; i++)
        {
            bandit.Learn(0, kept: false);
        }

        Assert.That(bandit.KeepRate(0), Is.LessThan(0.2), "old successes fade");
    }

    [Test]
    public void MaskedFamiliesAreNeverChosenAndBadInputLearnsNothing()
    {
        FamilyBandit bandit = ThreeFamilies();
        var random = new SplitMix(3);
        for (int i = 0; i < 200; i++)
        {
            Assert.That(bandit.Choose(ref random, allowed: 0b100), Is.EqualTo(2));
        }

        Assert.That(bandit.Choose(ref random, allowed: 0), Is.EqualTo(-1));
        Assert.That(bandit.Learn(3, true), Is.False);
        Assert.That(bandit.Learn(-1, true), Is.False);
        Assert.That(bandit.Learn(0, true, double.NaN), Is.False);
        Assert.That(bandit.Learn(0, true, 1.5), Is.False);
        Assert.That(bandit.Register("scheduler.slice"), Is.EqualTo(-1), "taken");
        Assert.That(bandit.Register(""), Is.EqualTo(-1));
        Assert.That(new FamilyBandit(1).Register("x", priorKept: double.PositiveInfinity), Is.EqualTo(-1));
        Assert.That(new FamilyBandit(4).Choose(ref random), Is.EqualTo(-1), "no families");
    }

    [Test]
    public void ChoosingAndLearningAllocateNothing()
    {
        FamilyBandit bandit = ThreeFamilies();
        var random = new SplitMix(5);
        bandit.Learn(bandit.Choose(ref random), true);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                bandit.Learn(bandit.Choose(ref random), (i & 1) == 0, 0.5);
            }
        });
        Assert.That(allocated, Is.Zero);
    }

    private static FamilyBandit ThreeFamilies()
    {
        var bandit = new FamilyBandit(8);
        Assert.That(bandit.Register("scheduler.slice"), Is.EqualTo(0));
        Assert.That(bandit.Register("memory.budget"), Is.EqualTo(1));
        Assert.That(bandit.Register("power.tick"), Is.EqualTo(2));
        return bandit;
    }
}
