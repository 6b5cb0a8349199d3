using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Monitoring;
using NexOS.Core.Metrics;
using NexOS.Core.Scheduling;
using NexOS.Tests.Security.Patching;

namespace NexOS.Tests.Ai;

/// <summary>The power model asks for timer slack while the CPU wakes too often, gives it back when
/// latency suffers, and learns what a doubling is worth; timer slack itself rounds correctly.</summary>
[TestFixture]
public class PowerModelTests
{
    [TestCase(1_000UL, 0UL, 1_000UL)]
    [TestCase(1_000UL, 250UL, 1_000UL)]
    [TestCase(1_001UL, 250UL, 1_250UL)]
    [TestCase(ulong.MaxValue - 3, 1000UL, ulong.MaxValue - 3)]
    public void TimerSlackRoundsUpToAMultiple(ulong wake, ulong slack, ulong expected)
        => Assert.That(TimerSlack.Apply(wake, slack), Is.EqualTo(expected));

    [Test]
    public void SleepersWithNearbyDeadlinesShareOneWakeUp()
    {
        // Ten periodic sleepers with unrelated periods of 10 to 20 ms: distinct wake times in a second.
        int exact = DistinctWakeUps(0);
        int slack = DistinctWakeUps(2_000_000);
        Assert.That(slack, Is.LessThanOrEqualTo(500), "at most one wake-up per 2 ms slot");
        Assert.That(slack, Is.LessThan(exact * 3 / 4), $"{exact} exact wake-ups");
    }

    [Test]
    public void TooManyWakeUpsAskForSlackAndAMeasuredGainIsKeptAndLearned()
    {
        var rig = new Rig();
        rig.Run(10, wakeUpsPerStep: 100, latencyNs: 50_000);
        IReadOnlyList<Proposal> proposals = rig.Engine.Analyse(rig.Kit.NowNs);
        Assert.That(proposals, Has.Count.EqualTo(1));
        Assert.That(proposals[0].Family, Is.EqualTo("power.slack.up"));
        Assert.That(proposals[0].Why, Does.StartWith("the CPU wakes 1000 times a second (budget 100)"));

        rig.Engine.Auto = true;
        rig.Run(1, 100, 50_000);
        Assert.That(rig.Kit.Power.Find("timer_slack_us")!.Value, Is.EqualTo(PowerModel.FirstSlackUs));
        rig.Run(EvolutionEngine.DefaultWindow + 1, 60, 60_000);
        Proposal p = rig.Engine.History[0];
        Assert.That(p.State, Is.EqualTo(ProposalState.Kept));
        Assert.That(rig.Model.GainPerDoublingPercent, Is.EqualTo(10 + ((40 - 10) / 3.0)).Within(0.5));
    }

    [Test]
    public void ARisingRateIsMetBeforeItCrossesTheBudget()
    {
        var rig = new Rig();
        for (int i = 0; i < 10; i++)
        {
            rig.Run(1, 3 + i, 50_000); // 30, 40, ... 120 wake-ups a second
        }

        // Then 80: the window's mean is under the budget of 100, its trend is not.
        rig.Run(1, 8, 50_000);
        IReadOnlyList<Proposal> proposals = rig.Engine.Analyse(rig.Kit.NowNs);
        Assert.That(proposals, Has.Count.EqualTo(1));
        Assert.That(proposals[0].Why, Does.Contain("and is heading for"));
    }

    [Test]
    public void LatencyOverBudgetGivesSlackBack()
    {
        var rig = new Rig();
        rig.Kit.Power.TrySet("timer_slack_us", 4000);
        rig.Run(10, 100, 5_000_000);
        IReadOnlyList<Proposal> proposals = rig.Engine.Analyse(rig.Kit.NowNs);
        Assert.That(proposals[0].Family, Is.EqualTo("power.slack.down"));
        Assert.That(proposals[0].Metric, Is.EqualTo(PowerModel.LatencyMetric));
    }

    [Test]
    public void WhenSlackNeverHelpsTheModelStopsAsking()
    {
        var rig = new Rig { Auto = true };
        // Every try measures no gain and is rolled back: the model's estimate and the
        // performance model's trust in it fall until nothing more is submitted.
        for (int round = 0; round < 12; round++)
        {
            rig.Run(10 + ((int)rig.Engine.BackoffSteps * 128), 100, 50_000);
        }

        Assert.That(rig.Model.GainPerDoublingPercent, Is.LessThan(5));
        Assert.That(rig.Engine.Performance.TrustOf("power"), Is.LessThan(0.75));
        Assert.That(rig.Engine.History, Has.Count.InRange(2, 6), "a few tries, then no more");
        int before = rig.Engine.History.Count;
        rig.Run(10 + ((int)rig.Engine.BackoffSteps * 128), 100, 50_000);
        Assert.That(rig.Engine.History, Has.Count.EqualTo(before));
        Assert.That(rig.Kit.Power.Find("timer_slack_us")!.Value, Is.Zero, "every try was rolled back");
    }

    private static int DistinctWakeUps(ulong slackNs)
    {
        var wakes = new HashSet<ulong>();
        for (ulong period = 10_000_000; period < 20_000_000; period += 1_037_013)
        {
            for (ulong t = period; t < 1_000_000_000; t += period)
            {
                wakes.Add(TimerSlack.Apply(t, slackNs));
            }
        }

        return wakes.Count;
    }

    private sealed class Rig
    {
        private readonly Counter _timer;
        private readonly LatencyHistogram _latency;

        public Rig()
        {
            Kit = new EvolutionKit();
            var registry = new MetricsRegistry();
            _timer = registry.Counter("irq.timer", "interrupts", "timer interrupts");
            _latency = registry.Histogram("sched.latency_ns", "ns", "latency");
            var monitor = new MetricMonitor(64);
            monitor.AddAll(registry);
            Engine = new EvolutionEngine(Kit.Manager, monitor, new PerformanceModel(), 3);
            Model = new PowerModel();
            Engine.AddModel(Model);
        }

        public EvolutionKit Kit { get; }

        public EvolutionEngine Engine { get; }

        public PowerModel Model { get; }

        public bool Auto
        {
            init => Engine.Auto = value;
        }

        public void Run(int steps, int wakeUpsPerStep, long latencyNs)
        {
            for (int i = 0; i < steps; i++)
            {
                _timer.Add(wakeUpsPerStep);
                for (int k = 0; k < 20; k++)
                {
                    _latency.Record((ulong)latencyNs);
                }

                Kit.NowNs += 100_000_000;
                Kit.Manager.Tick();
                Engine.Step(Kit.NowNs);
            }
        }
    }
}
