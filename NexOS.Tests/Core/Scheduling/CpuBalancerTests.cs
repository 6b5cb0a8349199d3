using System.Linq;
using NexOS.Core.Scheduling;

namespace NexOS.Tests.Core.Scheduling;

[TestFixture]
public sealed class CpuBalancerTests
{
    private static CpuLoad Busy(int queued) => new(true, false, queued, false);

    private static CpuLoad Idle() => new(true, true, 0, false);

    private static readonly CpuLoad s_offline = new(false, true, 0, false);

    [Test]
    public void AWokenThreadGoesBackToItsIdleCpu()
    {
        var b = new CpuBalancer();
        Assert.That(b.PlaceWake(2, 0, 0, [Busy(0), Idle(), Idle(), Busy(3)]), Is.EqualTo(2));
    }

    [Test]
    public void ABusyLastCpuLosesToAnIdleOneUnlessWakeIdleIsOff()
    {
        var b = new CpuBalancer();
        CpuLoad[] cpus = [Busy(0), Busy(0), Idle(), Busy(0)];
        Assert.That(b.PlaceWake(1, 0, 0, cpus), Is.EqualTo(2), "an idle CPU beats a busy warm one");
        b.WakeIdle.TrySet(0);
        Assert.That(b.PlaceWake(1, 0, 0, cpus), Is.EqualTo(1), "without wake_idle the warm CPU keeps it");
    }

    [Test]
    public void TheWakersIdleCpuComesFirstAndAKickedCpuIsSkipped()
    {
        var b = new CpuBalancer();
        CpuLoad[] cpus = [Idle(), Busy(1), Idle(), new(true, true, 0, true)];
        Assert.That(b.PlaceWake(1, 0, 2, cpus), Is.EqualTo(2), "the waker's CPU idles");
        Assert.That(b.PlaceWake(1, 0, 3, cpus), Is.EqualTo(0), "CPU 3 was kicked for another thread already");
    }

    [Test]
    public void WithEveryCpuBusyTheShortestQueueWinsTiesToTheLastCpu()
    {
        var b = new CpuBalancer();
        Assert.That(b.PlaceWake(3, 0, 0, [Busy(4), Busy(1), Busy(2), Busy(3)]), Is.EqualTo(1));
        Assert.That(b.PlaceWake(2, 0, 0, [Busy(4), Busy(1), Busy(1), Busy(3)]), Is.EqualTo(2), "wake_affine: the last CPU's queue is as short as any");
        b.WakeAffine.TrySet(0);
        Assert.That(b.PlaceWake(2, 0, 0, [Busy(4), Busy(1), Busy(1), Busy(3)]), Is.EqualTo(2), "a tie still goes to the last CPU");
        Assert.That(b.PlaceWake(-1, 0, 3, [Busy(1), Busy(2), Busy(1), Busy(1)]), Is.EqualTo(3), "then to the waker's");
    }

    [Test]
    public void AffinityIsKeptAndAnImpossibleOneFallsBackToAnyOnlineCpu()
    {
        var b = new CpuBalancer();
        CpuLoad[] cpus = [Idle(), Idle(), Busy(5), s_offline];
        Assert.That(b.PlaceWake(0, 1UL << 2, 0, cpus), Is.EqualTo(2), "pinned to CPU 2, however busy");
        Assert.That(b.PlaceWake(2, 1UL << 3, 1, cpus), Is.EqualTo(1), "pinned to an offline CPU: any online CPU, the waker's idle one before the busy last one");
        Assert.That(b.PlaceWake(0, 1UL << 3, 1, cpus), Is.EqualTo(0), "and the last CPU first when it idles");
        Assert.That(b.PlaceWake(2, 1UL << 40, 1, cpus), Is.EqualTo(1), "a bit past the CPUs there are");
        Assert.That(b.PlaceWake(7, 0, 9, cpus), Is.EqualTo(0), "last CPU and waker out of range are ignored");
    }

    [Test]
    public void NoCpuOnlineGivesMinusOne()
    {
        var b = new CpuBalancer();
        Assert.That(b.PlaceWake(0, 0, 0, [s_offline, s_offline]), Is.EqualTo(-1));
        Assert.That(b.PlaceWake(0, 0, 0, []), Is.EqualTo(-1));
        Assert.That(b.FindBusiest(0, []), Is.EqualTo(-1));
    }

    [Test]
    public void AnIdleCpuPullsFromTheBusiestAndABusyOneOnlyPastTheImbalance()
    {
        var b = new CpuBalancer();
        Assert.That(b.FindBusiest(0, [Idle(), Busy(1), Busy(3), Busy(2)]), Is.EqualTo(2));
        Assert.That(b.FindBusiest(0, [Idle(), Busy(0), Busy(0)]), Is.EqualTo(-1), "nothing queued anywhere");
        Assert.That(b.FindBusiest(0, [Busy(1), Busy(2), Busy(0)]), Is.EqualTo(-1), "one thread more is within the imbalance of 2");
        Assert.That(b.FindBusiest(0, [Busy(1), Busy(3), Busy(0)]), Is.EqualTo(1));
        Assert.That(b.FindBusiest(0, [Busy(0), new(false, false, 9, false)]), Is.EqualTo(-1), "an offline CPU is never a source");
        Assert.That(b.FindBusiest(5, [Busy(0), Busy(3)]), Is.EqualTo(-1), "a puller out of range");
        Assert.That(b.FindBusiest(0, [Busy(3), Busy(3)]), Is.EqualTo(-1), "equal queues");
        Assert.That(b.FindBusiest(0, [Busy(0), Busy(9), Busy(9)]), Is.EqualTo(1), "ties go to the lowest index");
    }

    [Test]
    public void CacheHotThreadsMoveOnlyToAnIdleCpuAndNeverAgainstAffinity()
    {
        var b = new CpuBalancer();
        ulong now = 10_000_000;
        Assert.That(b.MayMigrate(now - 100_000, now, pullerIdle: false, allowedOnTarget: true), Is.False, "ran 100 us ago: hot");
        Assert.That(b.MayMigrate(now - 100_000, now, pullerIdle: true, allowedOnTarget: true), Is.True);
        Assert.That(b.MayMigrate(now - 600_000, now, pullerIdle: false, allowedOnTarget: true), Is.True, "ran 600 us ago: cold");
        Assert.That(b.MayMigrate(now - 600_000, now, pullerIdle: true, allowedOnTarget: false), Is.False);
        Assert.That(b.MayMigrate(now + 5, now, pullerIdle: false, allowedOnTarget: true), Is.False, "a clock that went back counts as just ran");
    }

    [Test]
    public void BalanceComesDueAfterTheIntervalAndTheParametersRefuseNonsense()
    {
        var b = new CpuBalancer();
        Assert.That(b.BalanceDue(0, 3_999_999), Is.False);
        Assert.That(b.BalanceDue(0, 4_000_000), Is.True);
        Assert.That(b.BalanceDue(9_000_000, 1), Is.False, "a clock that went back");
        Assert.That(b.Imbalance.TrySet(0), Is.Not.Null);
        Assert.That(b.IntervalMs.TrySet(5000), Is.Not.Null);
        Assert.That(b.WakeIdle.TrySet(2), Is.Not.Null);
        Assert.That(b.Parameters.All.Select(p => p.Name), Is.EquivalentTo(new[] { "wake_affine", "wake_idle", "imbalance", "balance_interval_ms", "migration_cost_us" }));
    }
}
