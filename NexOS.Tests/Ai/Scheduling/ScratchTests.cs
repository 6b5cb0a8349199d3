using System.Diagnostics;
using NexOS.Ai.Models;
using NexOS.Security.Audit;
using NexOS.Security.Evolution;
using NexOS.Security.Patches;
using NexOS.Security.Policy;
using NexOS.Tests.Security.Evolution;

namespace NexOS.Tests.Ai.Scheduling;

public sealed class ScratchTests
{
    [Test]
    public void Explore()
    {
        var shadow = new SchedulerShadow();
        var w = SchedulerKit.DemoWorkload();
        var set = SchedulerKit.PlainRoundRobin();
        var sw = Stopwatch.StartNew();
        var b = shadow.Run(w, set, ReadOnlySpan<ParameterChange>.Empty, null, null);
        TestContext.Out.WriteLine($"baseline io {b.IoWaitNs/1000:F0} us max {b.IoMaxWaitNs/1000:F0} cpu {b.CpuWorkNs/1e6:F0} ms sw {b.Switches} in {sw.ElapsedMilliseconds} ms");
        var all = new List<SweepPoint>();
        sw.Restart();
        var best = SchedulerSweep.Run(shadow, w, set, all);
        TestContext.Out.WriteLine($"sweep {sw.ElapsedMilliseconds} ms");
        foreach (var p in all) TestContext.Out.WriteLine($"  slice {p.SliceNs/1000} boost {p.BoostLevels}/{p.MaxBoost}: io {p.Result.IoWaitNs/1000:F1} us cost {p.CostPercent:F2}%");
        TestContext.Out.WriteLine($"best slice {best.SliceNs} boost {best.BoostLevels}/{best.MaxBoost} io {best.Result.IoWaitNs/1000:F1}");
        var kit = new EvolutionKit(SecurityLevel.Standard);
        foreach (var p in set.All) { var q = kit.Normal.Find(p.Name); if (q == null) kit.Normal.Add(new NexOS.Core.Policy.Parameter(p.Name, p.Unit, p.Min, p.Max, p.Default, p.Description)); kit.Normal.TrySet(p.Name, p.Value); }
        sw.Restart();
        var ctx = new ShadowContext(shadow, w, kit.Manager);
        var sm = new SchedulerModel(shadow);
        sm.Evaluate(ctx, 0);
        foreach (var c in sm.Candidates) TestContext.Out.WriteLine($"sched {c.Family} {c.Why}: gain {c.GainPercent:F1} cost {c.CostPercent:F2}");
        TestContext.Out.WriteLine($"sched model {sw.ElapsedMilliseconds} ms");
        sw.Restart();
        var cm = new CodeModel(shadow, 42);
        cm.Evaluate(ctx, 0);
        foreach (var c in cm.Candidates) TestContext.Out.WriteLine($"code {c.Family} {c.Why}: gain {c.GainPercent:F1} cost {c.CostPercent:F2}");
        TestContext.Out.WriteLine($"code model {sw.ElapsedMilliseconds} ms refused {cm.LastRefused} simulated {cm.LastSimulated}");
    }
}
