using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>The AI engine at the shell: models, dry runs, automatic mode, explanations and the changelog.</summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class EngineBootTests : BootFixture
{
    [Test]
    [CancelAfter(TestBudget)]
    public void TheEngineAnswersAtTheShell()
    {
        QemuMachine machine = Boot();
        List<string> lines = RunCommand(machine, "models");
        Assert.That(lines[0], Does.Match(@"^priors: primed from NexOS model priors, trained on the host from \d+ sleeper traces[^:]*: [1-9]\d* family priors, [1-9]\d* values$"));
        string models = string.Join("\n", lines);
        Assert.That(models, Does.Match(@"\nperformance: [1-9]\d* families, cost weight"));
        Assert.That(models, Does.Contain("family power.slack.up: keep rate"));
        Assert.That(models, Does.Match(@"power: .* learned gain per slack doubling (?!10\.0%)\d+\.\d%"));
        Assert.That(models, Does.Contain("security: baseline"));
        Assert.That(Regex.Matches(models, @"\n  cost: \d+ us CPU, \d+ KiB allocated in its analyses since boot"), Has.Count.EqualTo(6), "each model's share of the engine's cost");
        Assert.That(models, Does.Match(@"\nscheduler: \d+ searches \(\d+ us CPU in the engine's\)"));
        Assert.That(models, Does.Match(@"\n  family sched\.param\.slice: calibration \d\.\d\d"), "the scheduler model was primed");
        Assert.That(RunCommand(machine, "evolve propose")[0], Does.Match(@"^(no proposals: the models see nothing to change \(\d+ samples so far\)|\d+ proposals, best first \(dry run: nothing applied)"));
        Assert.That(RunCommand(machine, "evolve auto on")[0], Does.StartWith("automatic evolution on: the engine submits its best proposal"));
        string status = string.Join("\n", RunCommand(machine, "evolve status"));
        Assert.That(status, Does.Match(@"engine     auto on, \d+ cycles, \d+ models; submitted \d+"));
        Match cost = Regex.Match(status, @"cost       set-up (\d+) KiB; CPU \d+ ms since boot \(([0-9.]+)%\), \d+ us per cycle, longest call \d+ us; \d+ bytes allocated per cycle");
        Assert.That(cost.Success, Is.True, status);
        TestContext.Out.WriteLine("measured " + cost.Value);
        Assert.That(RunCommand(machine, "evolve auto off")[0], Does.StartWith("automatic evolution off"));
        Assert.That(RunCommand(machine, "evolve changelog"), Is.EqualTo(new[] { "no kept changes yet" }));
        string audit = string.Join("\n", RunCommand(machine, "audit"));
        Assert.That(Regex.Matches(audit, "PolicyChanged patch 0 engine: automatic evolution (on|off)"), Has.Count.EqualTo(2));
    }

    [TestCase("evolve auto maybe", "evolve auto: say on or off")]
    [TestCase("evolve explain 999", "evolve explain: no proposal '999'")]
    [TestCase("evolve explain x", "evolve explain: no proposal 'x'")]
    [TestCase("evolve apply 999", "evolve apply: no proposal 999")]
    [TestCase("evolve propose now", "usage: evolve")]
    [TestCase("evolve release nobody", "source 'nobody' is not quarantined")]
    [TestCase("models nothing", "models: no model 'nothing'")]
    [TestCase("models a b", "usage: models")]
    [CancelAfter(TestBudget)]
    public void BadEngineCommandsGiveOneClearError(string line, string error) => AssertOneClearError(line, error);
}
