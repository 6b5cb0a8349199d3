using NexOS.Core.Scheduling;

namespace NexOS.Tests.Core.Scheduling;

/// <summary>
/// The IPC fast path's guards: every check refuses on its own, in the documented order, and
/// the hostile cases (a spent or exactly spent slice, odd classes and counts, a pending
/// preemption) fall back to the slow path. Admission counts without allocating.
/// </summary>
[TestFixture]
public sealed class IpcFastPathTests
{
    /// <summary>A call to a waiting server in the middle of a normal thread's slice.</summary>
    private static readonly IpcFastPathFacts s_good = new(
        Enabled: true,
        CallerBlocks: true,
        WokenCount: 1,
        PartnerIsThread: true,
        PartnerBlocked: true,
        CallerClass: SchedClass.Normal,
        PartnerClass: SchedClass.Normal,
        RealTimeReady: 0,
        SwitchPending: false,
        NowNs: 1_000,
        SliceEndNs: 5_000);

    [Test]
    public void AWaitingNormalPartnerWithSliceLeftIsSwitchedToDirectly()
    {
        Assert.That(IpcFastPath.Check(in s_good), Is.EqualTo(FastPathRefusal.None));
    }

    [Test]
    public void EachGuardRefusesOnItsOwn()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IpcFastPath.Check(s_good with { Enabled = false }), Is.EqualTo(FastPathRefusal.Disabled));
            Assert.That(IpcFastPath.Check(s_good with { CallerBlocks = false }), Is.EqualTo(FastPathRefusal.CallerContinues));
            Assert.That(IpcFastPath.Check(s_good with { WokenCount = 0 }), Is.EqualTo(FastPathRefusal.NotOnePartner));
            Assert.That(IpcFastPath.Check(s_good with { WokenCount = 2 }), Is.EqualTo(FastPathRefusal.NotOnePartner));
            Assert.That(IpcFastPath.Check(s_good with { PartnerIsThread = false }), Is.EqualTo(FastPathRefusal.NotAThread));
            Assert.That(IpcFastPath.Check(s_good with { PartnerBlocked = false }), Is.EqualTo(FastPathRefusal.PartnerNotBlocked));
            Assert.That(IpcFastPath.Check(s_good with { CallerClass = SchedClass.RealTime }), Is.EqualTo(FastPathRefusal.NotNormalClass));
            Assert.That(IpcFastPath.Check(s_good with { PartnerClass = SchedClass.RealTime }), Is.EqualTo(FastPathRefusal.NotNormalClass));
            Assert.That(IpcFastPath.Check(s_good with { PartnerClass = SchedClass.Idle }), Is.EqualTo(FastPathRefusal.NotNormalClass));
            Assert.That(IpcFastPath.Check(s_good with { RealTimeReady = 1 }), Is.EqualTo(FastPathRefusal.RealTimeReady));
            Assert.That(IpcFastPath.Check(s_good with { SwitchPending = true }), Is.EqualTo(FastPathRefusal.SwitchPending));
            Assert.That(IpcFastPath.Check(s_good with { SliceEndNs = 999 }), Is.EqualTo(FastPathRefusal.SliceSpent));
        });
    }

    [Test]
    public void ASliceEndingExactlyNowIsSpent()
    {
        Assert.That(IpcFastPath.Check(s_good with { SliceEndNs = s_good.NowNs }), Is.EqualTo(FastPathRefusal.SliceSpent));
        Assert.That(IpcFastPath.Check(s_good with { SliceEndNs = s_good.NowNs + 1 }), Is.EqualTo(FastPathRefusal.None));
    }

    [Test]
    public void HostileValuesFallBackRatherThanSwitch()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IpcFastPath.Check(s_good with { WokenCount = -1 }), Is.EqualTo(FastPathRefusal.NotOnePartner));
            Assert.That(IpcFastPath.Check(s_good with { WokenCount = int.MaxValue }), Is.EqualTo(FastPathRefusal.NotOnePartner));
            Assert.That(IpcFastPath.Check(s_good with { CallerClass = (SchedClass)99 }), Is.EqualTo(FastPathRefusal.NotNormalClass));
            Assert.That(IpcFastPath.Check(s_good with { RealTimeReady = int.MaxValue }), Is.EqualTo(FastPathRefusal.RealTimeReady));
            Assert.That(IpcFastPath.Check(s_good with { NowNs = ulong.MaxValue }), Is.EqualTo(FastPathRefusal.SliceSpent));
            Assert.That(IpcFastPath.Check(s_good with { SliceEndNs = 0 }), Is.EqualTo(FastPathRefusal.SliceSpent));
            Assert.That(IpcFastPath.Check(default), Is.EqualTo(FastPathRefusal.Disabled), "an empty snapshot never switches");
        });
    }

    [Test]
    public void ANegativeRealTimeCountIsNotAReadyThread()
    {
        // A count below zero would be a kernel bug; it must not stop IPC, nor pass as ready.
        Assert.That(IpcFastPath.Check(s_good with { RealTimeReady = -1 }), Is.EqualTo(FastPathRefusal.None));
    }

    [Test]
    public void TheFirstFailingGuardIsTheOneReported()
    {
        IpcFastPathFacts everythingWrong = s_good with
        {
            PartnerBlocked = false,
            CallerClass = SchedClass.RealTime,
            RealTimeReady = 3,
            SwitchPending = true,
            SliceEndNs = 0,
        };

        Assert.That(IpcFastPath.Check(in everythingWrong), Is.EqualTo(FastPathRefusal.PartnerNotBlocked));
        Assert.That(IpcFastPath.Check(everythingWrong with { PartnerBlocked = true }), Is.EqualTo(FastPathRefusal.NotNormalClass));
        Assert.That(IpcFastPath.Check(everythingWrong with { PartnerBlocked = true, CallerClass = SchedClass.Normal }),
            Is.EqualTo(FastPathRefusal.RealTimeReady), "a ready real-time thread outranks a pending switch and a spent slice");
    }

    [Test]
    public void AdmissionsAndRefusalsAreCountedByReason()
    {
        var path = new IpcFastPath();
        Assert.That(path.Admit(in s_good), Is.True);
        Assert.That(path.Admit(s_good with { SwitchPending = true }), Is.False);
        Assert.That(path.Admit(s_good with { SliceEndNs = 0 }), Is.False);
        Assert.That(path.Admit(s_good with { SliceEndNs = 0 }), Is.False);

        Assert.That(path.Taken, Is.EqualTo(1));
        Assert.That(path.Refusals(FastPathRefusal.SwitchPending), Is.EqualTo(1));
        Assert.That(path.Refusals(FastPathRefusal.SliceSpent), Is.EqualTo(2));
        Assert.That(path.Refusals(FastPathRefusal.Disabled), Is.Zero);
        Assert.That(path.Refusals(FastPathRefusal.None), Is.Zero);
        Assert.That(path.Refusals((FastPathRefusal)1000), Is.Zero, "an unknown reason reads as zero, not out of range");
        Assert.That(path.TotalRefusals, Is.EqualTo(3));
    }

    [Test]
    public void TheSummaryNamesOnlyTheReasonsThatOccurred()
    {
        var path = new IpcFastPath();
        Assert.That(path.Summary(), Is.EqualTo("fast path: 0 direct switches, 0 refused"));
        path.Admit(in s_good);
        path.Admit(s_good with { SliceEndNs = 0 });
        path.Admit(s_good with { Enabled = false });
        path.Admit(s_good with { Enabled = false });
        Assert.That(path.Summary(), Is.EqualTo("fast path: 1 direct switches, 3 refused (disabled 2, slice spent 1)"));
    }

    [Test]
    public void AdmittingDoesNotAllocate()
    {
        var path = new IpcFastPath();
        IpcFastPathFacts refused = s_good with { SliceEndNs = 0 };
        path.Admit(in s_good);
        path.Admit(in refused);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                path.Admit(in s_good);
                path.Admit(in refused);
            }
        });

        Assert.That(allocated, Is.Zero);
        Assert.That(path.Taken, Is.EqualTo(10_001));
    }
}
