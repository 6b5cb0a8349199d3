using System.Text;
using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Training;

namespace NexOS.Tests.Ai.Scheduling;

[TestFixture]
public sealed class SchedulerTrainerTests
{
    [Test]
    public void TrainingIsDeterministicAndItsOutputParses()
    {
        string first = Trained(out int trials);
        string second = Trained(out _);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(trials, Is.GreaterThan(0));

        ModelPriors parsed = ModelPriors.Parse(Encoding.UTF8.GetBytes(first));
        Assert.That(parsed.Errors, Is.Empty, string.Join("\n", parsed.Errors));
        Assert.That(parsed.Families, Is.Not.Empty);
        int keptAndRolledBack = 0;
        foreach ((string name, double kept, double rolledBack) in parsed.Families)
        {
            Assert.That(name, Does.StartWith("sched."));
            Assert.That(kept, Is.GreaterThanOrEqualTo(1));
            Assert.That(rolledBack, Is.GreaterThanOrEqualTo(1));
            keptAndRolledBack += (int)(kept + rolledBack - 2);
            Assert.That(parsed.Value("scheduler.calibration." + name, -1), Is.InRange(0.0, 2.0), name);
        }

        Assert.That(keptAndRolledBack, Is.EqualTo(trials), "every held-out trial is counted once");
    }

    [Test]
    public void PrimingSetsTheCalibrationThatScalesExpectedGains()
    {
        ModelPriors priors = ModelPriors.Parse(Encoding.UTF8.GetBytes(Trained(out _)));
        var model = new SchedulerModel(new SchedulerShadow());
        foreach ((string name, _, _) in priors.Families)
        {
            Assert.That(model.CalibrationOf(name), Is.EqualTo(1));
        }

        var custom = new ModelPriors();
        custom.AddValue("scheduler.calibration.sched.param.slice", 0.4);
        model.Prime(custom);
        Assert.That(model.CalibrationOf("sched.param.slice"), Is.EqualTo(0.4));
        model.Prime(priors);
        (string first, _, _) = priors.Families[0];
        Assert.That(model.CalibrationOf(first), Is.EqualTo(priors.Value("scheduler.calibration." + first, -1)));
    }

    [Test]
    public void HostilePriorsAreClampedOrIgnored()
    {
        var model = new SchedulerModel(new SchedulerShadow());
        var priors = new ModelPriors();
        priors.AddValue("scheduler.calibration.a", 9);
        priors.AddValue("scheduler.calibration.b", -3);
        priors.AddValue("scheduler.calibration.c", double.NaN);
        priors.AddValue("scheduler.calibration.", 0.5);
        priors.AddValue("code.calibration.d", 0.5);
        model.Prime(priors);
        Assert.That(model.CalibrationOf("a"), Is.EqualTo(2));
        Assert.That(model.CalibrationOf("b"), Is.Zero);
        Assert.That(model.CalibrationOf("c"), Is.EqualTo(1));
        Assert.That(model.CalibrationOf(string.Empty), Is.EqualTo(1));
        Assert.That(model.CalibrationOf("d"), Is.EqualTo(1), "another model's key");
        Assert.That(model.Describe(), Does.Contain("family a: calibration 2.00"));
    }

    private static string Trained(out int trials)
    {
        var priors = new ModelPriors();
        trials = SchedulerTrainer.Train(SchedulerTrainer.SyntheticWorkloads(), EvolutionEngine.DefaultMinGainPercent, priors);
        return priors.Format("test");
    }
}
