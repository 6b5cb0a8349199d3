using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class RealTimeAdmissionTests
{
    [Test]
    public void AdmissionAddsUpUtilization()
    {
        var policy = new RealTimePolicy();
        Admitted(policy, 1, 2 * Ms, 10 * Ms);
        Admitted(policy, 2, 1 * Ms, 4 * Ms);
        Assert.That(policy.UtilizationPpm, Is.EqualTo(450_000));
        Assert.That(policy.AdmittedCount, Is.EqualTo(2));
        Assert.That(policy.Name, Is.EqualTo("edf"));
    }

    [Test]
    public void AdmissionRefusesOverUtilizationAndChangesNothing()
    {
        var policy = new RealTimePolicy();
        Admitted(policy, 1, 3 * Ms, 10 * Ms);
        Admitted(policy, 2, 3 * Ms, 10 * Ms);
        Admitted(policy, 3, 3 * Ms, 10 * Ms);

        SchedThread extra = RealTime(4, 1 * Ms, 100 * Ms);
        Assert.That(policy.TryAdmit(extra, out string? error), Is.False);
        Assert.That(error, Does.Contain("utilization"));
        Assert.That(policy.UtilizationPpm, Is.EqualTo(900_000));
        Assert.That(policy.AdmittedCount, Is.EqualTo(3));
        Assert.That(policy.IsAdmitted(extra), Is.False);
        Assert.That(policy.Add(extra, null, 0), Is.False, "an unadmitted thread is not queued");
        Assert.That(policy.RunnableCount, Is.Zero);
    }

    [Test]
    public void UtilizationIsRoundedUpSoSmallReservationsCannotSneakPast()
    {
        var policy = new RealTimePolicy();
        Assert.That(policy.Parameters.TrySet("max_utilization_percent", 10), Is.Null);

        // 1/3 ppm each would truncate to 0; rounded up it is 1 ppm, and 100,000 of them fill 10%.
        Admitted(policy, 1, 1, 3_000_000);
        Assert.That(policy.UtilizationPpm, Is.EqualTo(1));
        Admitted(policy, 2, 99_999, 1_000_000);
        Assert.That(policy.TryAdmit(RealTime(3, 1, 3_000_000), out _), Is.False);
    }

    [TestCase(0UL, 10UL, "period and budget")]
    [TestCase(5UL, 0UL, "period and budget")]
    [TestCase(0UL, 0UL, "period and budget")]
    [TestCase(11UL, 10UL, "exceeds")]
    public void InvalidReservationsAreRefused(ulong budgetMs, ulong periodMs, string reason)
    {
        var policy = new RealTimePolicy();
        Assert.That(policy.TryAdmit(RealTime(1, budgetMs * Ms, periodMs * Ms), out string? error), Is.False);
        Assert.That(error, Does.Contain(reason));
        Assert.That(policy.UtilizationPpm, Is.Zero);
    }

    [Test]
    public void AFullReservationIsValidWhenTheLimitAllowsIt()
    {
        var policy = new RealTimePolicy();
        Assert.That(policy.TryAdmit(RealTime(1, 10 * Ms, 10 * Ms), out _), Is.False, "100% exceeds the default 90%");
        Assert.That(policy.Parameters.TrySet("max_utilization_percent", 100), Is.Null);
        Assert.That(policy.TryAdmit(RealTime(1, 10 * Ms, 10 * Ms), out string? error), Is.True, error);
    }

    [Test]
    public void OnlyRealTimeClassThreadsAreAdmittedAndOnlyOnce()
    {
        var policy = new RealTimePolicy();
        SchedThread normal = Normal(1);
        normal.PeriodNs = 10 * Ms;
        normal.BudgetNs = 1 * Ms;
        Assert.That(policy.TryAdmit(normal, out string? error), Is.False);
        Assert.That(error, Does.Contain("real-time class"));

        SchedThread t = Admitted(policy, 2, 1 * Ms, 10 * Ms);
        Assert.That(policy.TryAdmit(t, out error), Is.False);
        Assert.That(error, Does.Contain("already admitted"));
        Assert.That(policy.UtilizationPpm, Is.EqualTo(100_000));
    }

    [Test]
    public void AQueuedThreadMustBeRemovedBeforeAdmission()
    {
        var normalPolicy = new PriorityRoundRobinPolicy();
        SchedThread t = Normal(1);
        normalPolicy.Add(t, null, 0);
        t.Class = SchedClass.RealTime;
        t.PeriodNs = 10 * Ms;
        t.BudgetNs = 1 * Ms;

        var policy = new RealTimePolicy();
        Assert.That(policy.TryAdmit(t, out string? error), Is.False);
        Assert.That(error, Does.Contain("queued"));
        normalPolicy.Remove(t);
        Assert.That(policy.TryAdmit(t, out error), Is.True, error);
    }

    [Test]
    public void MaxThreadsLimitsAdmissions()
    {
        var policy = new RealTimePolicy();
        Assert.That(policy.Parameters.TrySet("max_threads", 2), Is.Null);
        Admitted(policy, 1, 1 * Ms, 100 * Ms);
        Admitted(policy, 2, 1 * Ms, 100 * Ms);
        Assert.That(policy.TryAdmit(RealTime(3, 1 * Ms, 100 * Ms), out string? error), Is.False);
        Assert.That(error, Does.Contain("max_threads"));
    }

    [Test]
    public void RaisingMaxThreadsGrowsTheHeapsAtAdmission()
    {
        var policy = new RealTimePolicy();
        Assert.That(policy.Parameters.TrySet("max_threads", 200), Is.Null);
        var threads = new List<SchedThread>();
        for (int i = 0; i < 150; i++)
        {
            threads.Add(Admitted(policy, i, 1_000, 10 * Ms));
        }

        foreach (SchedThread t in threads)
        {
            policy.Add(t, null, 0);
        }

        Assert.That(policy.ReadyCount, Is.EqualTo(150));
        Assert.That(DrainIds(policy), Has.Count.EqualTo(150));
    }

    [Test]
    public void ReleaseGivesTheShareBackAndDequeues()
    {
        var policy = new RealTimePolicy();
        SchedThread a = Admitted(policy, 1, 8 * Ms, 10 * Ms);
        Assert.That(policy.TryAdmit(RealTime(2, 5 * Ms, 10 * Ms), out _), Is.False);
        policy.Add(a, null, 0);

        Assert.That(policy.Release(a), Is.True);
        Assert.That(policy.UtilizationPpm, Is.Zero);
        Assert.That(policy.AdmittedCount, Is.Zero);
        Assert.That(policy.RunnableCount, Is.Zero);
        Assert.That(policy.PickNext(0), Is.Null);
        Assert.That(policy.Release(a), Is.False);
        Assert.That(policy.TryAdmit(RealTime(2, 5 * Ms, 10 * Ms), out string? error), Is.True, error);
    }

    [Test]
    public void ReleaseReturnsWhatAdmissionChargedEvenIfTheFieldsChanged()
    {
        var policy = new RealTimePolicy();
        SchedThread t = Admitted(policy, 1, 2 * Ms, 10 * Ms);
        t.BudgetNs = 9 * Ms;
        Assert.That(policy.Release(t), Is.True);
        Assert.That(policy.UtilizationPpm, Is.Zero);
    }

    [TestCase("max_utilization_percent", 9)]
    [TestCase("max_utilization_percent", 101)]
    [TestCase("max_threads", 0)]
    public void ParametersRefuseOutOfRangeValuesAndKeepTheOldOne(string name, long value)
    {
        var policy = new RealTimePolicy();
        long before = policy.Parameters.Find(name)!.Value;
        Assert.That(policy.Parameters.TrySet(name, value), Is.Not.Null);
        Assert.That(policy.Parameters.Find(name)!.Value, Is.EqualTo(before));
    }

    [Test]
    public void DefaultsAreTheDocumentedOnes()
    {
        var policy = new RealTimePolicy();
        Assert.That(policy.Parameters.Find("max_utilization_percent")!.Value, Is.EqualTo(90));
        Assert.That(policy.Parameters.Find("max_threads")!.Value, Is.EqualTo(64));
        Assert.That(policy.NextReleaseNs, Is.EqualTo(ulong.MaxValue));
    }
}
