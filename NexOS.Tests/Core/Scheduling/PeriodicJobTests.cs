using NexOS.Core.Scheduling;

namespace NexOS.Tests.Core.Scheduling;

/// <summary>The release grid of a periodic real-time task: lateness, misses, skipped releases.</summary>
[TestFixture]
public sealed class PeriodicJobTests
{
    private const ulong Period = 5_000;

    [Test]
    public void TheFirstReleaseIsOnePeriodAfterBegin()
    {
        var job = default(PeriodicJob);
        Assert.That(job.IsSet, Is.False);
        job.Begin(1_000, Period);
        Assert.That(job.IsSet, Is.True);
        Assert.That(job.ReleaseNs, Is.EqualTo(6_000));
        Assert.That(job.Running, Is.False);
    }

    [Test]
    public void AJobOnTimeIsNeitherLateNorMissed()
    {
        var job = default(PeriodicJob);
        job.Begin(0, Period);
        Assert.That(job.Start(5_000), Is.Zero);
        Assert.That(job.End(5_500), Is.Zero);
        Assert.That(job.ReleaseNs, Is.EqualTo(10_000));
        Assert.That(job.Start(10_250), Is.EqualTo(250), "started 250 ns after its release");
    }

    [Test]
    public void EndingWithNoJobRunningChangesNothing()
    {
        var job = default(PeriodicJob);
        Assert.That(job.End(99), Is.Zero, "not begun");
        job.Begin(0, Period);
        Assert.That(job.End(7_000), Is.Zero, "no job started yet");
        Assert.That(job.ReleaseNs, Is.EqualTo(5_000));
    }

    [Test]
    public void AJobEndingAfterItsDeadlineIsOneMiss()
    {
        var job = default(PeriodicJob);
        job.Begin(0, Period);
        job.Start(5_000);
        Assert.That(job.End(10_001), Is.EqualTo(1), "deadline 10,000");
        Assert.That(job.ReleaseNs, Is.EqualTo(10_000), "the next release's deadline (15,000) is still ahead");
    }

    [Test]
    public void AnEndExactlyAtTheDeadlineIsInTime()
    {
        var job = default(PeriodicJob);
        job.Begin(0, Period);
        job.Start(5_000);
        Assert.That(job.End(10_000), Is.Zero);
    }

    [Test]
    public void ReleasesWhoseDeadlinesPassedAreSkippedAndCounted()
    {
        var job = default(PeriodicJob);
        job.Begin(0, Period);
        job.Start(5_000);

        // A stall to 27,000: the job (deadline 10,000) is one miss; the jobs released at
        // 10,000 (deadline 15,000), 15,000 (20,000) and 20,000 (25,000) can no longer run.
        Assert.That(job.End(27_000), Is.EqualTo(4));
        Assert.That(job.ReleaseNs, Is.EqualTo(25_000), "released at 25,000, deadline 30,000: still ahead");
        Assert.That(job.Start(27_000), Is.EqualTo(2_000));
        Assert.That(job.End(28_000), Is.Zero);
        Assert.That(job.ReleaseNs, Is.EqualTo(30_000));
    }
}
