using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class AdaptivePolicyTests
{
    [Test]
    public void BlockingEarlyBoostsByBoostLevelsUpToMaxBoost()
    {
        var policy = new AdaptivePolicy();
        SchedThread t = Normal(1, 10);
        var seen = new List<int>();
        for (int i = 0; i < 4; i++)
        {
            policy.OnStop(t, StopReason.Blocked, 100 * Us, 0);
            seen.Add(t.EffectivePriority);
        }

        Assert.That(seen, Is.EqualTo(new[] { 12, 14, 14, 14 }));
        Assert.That(t.BasePriority, Is.EqualTo(10));
    }

    [Test]
    public void BoostStopsAtMaxBoostEvenBetweenSteps()
    {
        var policy = new AdaptivePolicy();
        Assert.That(policy.Parameters.TrySet("boost_levels", 3), Is.Null);
        SchedThread t = Normal(1, 10);
        policy.OnStop(t, StopReason.Blocked, 0, 0);
        policy.OnStop(t, StopReason.Blocked, 0, 0);
        Assert.That(t.EffectivePriority, Is.EqualTo(14), "10 + 3 + 3 is cut to 10 + max_boost");
    }

    [Test]
    public void FullSlicesDecayOneLevelEachDownToMaxDecay()
    {
        var policy = new AdaptivePolicy();
        SchedThread t = Normal(1, 10);
        var seen = new List<int>();
        for (int i = 0; i < 6; i++)
        {
            policy.OnStop(t, StopReason.SliceExpired, 10 * Ms, 0);
            seen.Add(t.EffectivePriority);
        }

        Assert.That(seen, Is.EqualTo(new[] { 9, 8, 7, 6, 6, 6 }));
    }

    [Test]
    public void BoundsAreClampedToThePriorityRange()
    {
        var policy = new AdaptivePolicy();
        SchedThread top = Normal(1, 30), bottom = Normal(2, 1);
        for (int i = 0; i < 5; i++)
        {
            policy.OnStop(top, StopReason.Blocked, 0, 0);
            policy.OnStop(bottom, StopReason.SliceExpired, 0, 0);
        }

        Assert.That(top.EffectivePriority, Is.EqualTo(SchedThread.MaxPriority));
        Assert.That(bottom.EffectivePriority, Is.EqualTo(SchedThread.MinPriority));
    }

    [Test]
    public void ADecayedThreadRecoversStepByStepWhenItBlocks()
    {
        var policy = new AdaptivePolicy();
        SchedThread t = Normal(1, 10);
        for (int i = 0; i < 4; i++)
        {
            policy.OnStop(t, StopReason.SliceExpired, 0, 0);
        }

        policy.OnStop(t, StopReason.Blocked, 0, 0);
        Assert.That(t.EffectivePriority, Is.EqualTo(8));
    }

    [TestCase(StopReason.Yielded)]
    [TestCase(StopReason.Preempted)]
    [TestCase(StopReason.Exited)]
    public void OtherStopsChangeNothing(StopReason reason)
    {
        var policy = new AdaptivePolicy();
        SchedThread t = Normal(1, 10);
        policy.OnStop(t, StopReason.Blocked, 0, 0);
        int score = t.InteractivityScore;
        policy.OnStop(t, reason, 5 * Ms, 0);
        Assert.That(t.EffectivePriority, Is.EqualTo(12));
        Assert.That(t.InteractivityScore, Is.EqualTo(score));
    }

    [Test]
    public void ZeroBoostLevelsTurnsBoostingOff()
    {
        var policy = new AdaptivePolicy();
        Assert.That(policy.Parameters.TrySet("boost_levels", 0), Is.Null);
        SchedThread t = Normal(1, 10);
        policy.OnStop(t, StopReason.Blocked, 0, 0);
        Assert.That(t.EffectivePriority, Is.EqualTo(10));
    }

    [Test]
    public void InteractivityScoreIsAnAverageOfBlockingEarly()
    {
        var policy = new AdaptivePolicy();
        SchedThread t = Normal(1, 10);
        policy.OnStop(t, StopReason.Blocked, 0, 0);
        Assert.That(t.InteractivityScore, Is.EqualTo(25), "one quarter weight for the newest sample");

        for (int i = 0; i < 40; i++)
        {
            policy.OnStop(t, StopReason.Blocked, 0, 0);
            Assert.That(t.InteractivityScore, Is.InRange(0, 100));
        }

        Assert.That(t.InteractivityScore, Is.EqualTo(100));
        policy.OnStop(t, StopReason.SliceExpired, 0, 0);
        Assert.That(t.InteractivityScore, Is.EqualTo(75));

        for (int i = 0; i < 40; i++)
        {
            policy.OnStop(t, StopReason.SliceExpired, 0, 0);
            Assert.That(t.InteractivityScore, Is.InRange(0, 100));
        }

        Assert.That(t.InteractivityScore, Is.Zero);
    }

    [Test]
    public void BoostedThreadsGetTheInteractiveSlice()
    {
        var policy = new AdaptivePolicy();
        SchedThread boosted = Normal(1, 10), plain = Normal(2, 10), decayed = Normal(3, 10);
        policy.OnStop(boosted, StopReason.Blocked, 0, 0);
        policy.OnStop(decayed, StopReason.SliceExpired, 0, 0);

        Assert.That(policy.TimeSlice(boosted, 0), Is.EqualTo(5 * Ms));
        Assert.That(policy.TimeSlice(plain, 0), Is.EqualTo(10 * Ms));
        Assert.That(policy.TimeSlice(decayed, 0), Is.EqualTo(10 * Ms));

        Assert.That(policy.Parameters.TrySet("interactive_slice_percent", 20), Is.Null);
        Assert.That(policy.TimeSlice(boosted, 0), Is.EqualTo(2 * Ms));
    }

    [Test]
    public void ABoostedWakeUpPreemptsAThreadOfTheSameBasePriority()
    {
        var policy = new AdaptivePolicy();
        SchedThread interactive = Normal(1, 10), cpu = Normal(2, 10);
        Assert.That(policy.Add(interactive, cpu, 0), Is.False, "equal priorities do not preempt");
        Assert.That(policy.PickNext(0), Is.SameAs(interactive));

        policy.OnStop(interactive, StopReason.Blocked, 50 * Us, 0);
        policy.OnStop(cpu, StopReason.SliceExpired, 10 * Ms, 0);
        Assert.That(policy.Add(interactive, cpu, 0), Is.True);
        Assert.That(policy.Add(cpu, null, 0), Is.True);
        Assert.That(DrainIds(policy), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void AddClampsIntoTheBandTheParametersAllowNow()
    {
        var policy = new AdaptivePolicy();
        SchedThread t = Normal(1, 10);
        policy.OnStop(t, StopReason.Blocked, 0, 0);
        policy.OnStop(t, StopReason.Blocked, 0, 0);
        Assert.That(t.EffectivePriority, Is.EqualTo(14));

        Assert.That(policy.Parameters.TrySet("max_boost", 1), Is.Null);
        policy.Add(t, null, 0);
        Assert.That(t.EffectivePriority, Is.EqualTo(11));
        Assert.That(policy.LevelBitmap, Is.EqualTo(1u << 11));
    }

    [TestCase("slice_ns", 99_999)]
    [TestCase("slice_ns", 1_000_000_001)]
    [TestCase("boost_levels", -1)]
    [TestCase("boost_levels", 9)]
    [TestCase("max_boost", -1)]
    [TestCase("max_boost", 17)]
    [TestCase("max_decay", -1)]
    [TestCase("max_decay", 17)]
    [TestCase("interactive_slice_percent", 9)]
    [TestCase("interactive_slice_percent", 101)]
    public void ParametersRefuseOutOfRangeValuesAndKeepTheOldOne(string name, long value)
    {
        var policy = new AdaptivePolicy();
        long before = policy.Parameters.Find(name)!.Value;
        Assert.That(policy.Parameters.TrySet(name, value), Is.Not.Null);
        Assert.That(policy.Parameters.Find(name)!.Value, Is.EqualTo(before));
    }

    [TestCase("slice_ns", 100_000, 1_000_000_000, 10_000_000)]
    [TestCase("boost_levels", 0, 8, 2)]
    [TestCase("max_boost", 0, 16, 4)]
    [TestCase("max_decay", 0, 16, 4)]
    [TestCase("interactive_slice_percent", 10, 100, 50)]
    public void ParametersHaveTheDocumentedRangeAndDefault(string name, long min, long max, long defaultValue)
    {
        var policy = new AdaptivePolicy();
        var parameter = policy.Parameters.Find(name)!;
        Assert.That(new[] { parameter.Min, parameter.Max, parameter.Default }, Is.EqualTo(new[] { min, max, defaultValue }));
        Assert.That(parameter.TrySet(min), Is.Null);
        Assert.That(parameter.TrySet(max), Is.Null);
        Assert.That(policy.Name, Is.EqualTo("adaptive"));
    }
}
