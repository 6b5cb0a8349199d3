namespace NexOS.Tests.Boot;

/// <summary>
/// The console in ring 3: the kernel starts init, init starts the console service and the
/// shell, and the prompt the tests type at is the shell program's; killing the console brings
/// the prompt back through init; nexos.kernelshell keeps the kernel's own console.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class UserConsoleBootTests : BootFixture
{
    [Test]
    [CancelAfter(TestBudget)]
    public void TheConsoleAndTheShellRunInRingThreeUnderInit()
    {
        List<string> ps = RunCommand(Boot(), "ps");
        string all = string.Join("\n", ps);
        Assert.That(ps, Has.Some.Match(@"^\s+1 init\s+running\s+1\s+3\s+\d+\s+\d+\s+\d+\s+-$"), all);
        Assert.That(ps, Has.Some.Match(@"^\s+\d+ console\s+running\s+1\s+3\s+\d+\s+\d+\s+\d+\s+-$"), all);
        Assert.That(ps, Has.Some.Match(@"^\s+\d+ shell\s+running\s+1\s+3\s+\d+\s+\d+\s+\d+\s+-$"), all);
        Assert.That(ps, Has.Some.Match(@"^\s+\d+ shell\s+running\s+normal\s.*\s3$"), "the shell's thread, in ring 3:\n" + all);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AKernelLineThatArrivesAtThePromptGoesBelowItAndThePromptComesBack()
    {
        QemuMachine machine = Boot();
        List<string> started = RunCommand(machine, "run usertest kernel &");
        System.Text.RegularExpressions.Match m = System.Text.RegularExpressions.Regex.Match(started[0], @"^started process (\d+) \(usertest\)$");
        Assert.That(m.Success, Is.True, string.Join("\n", started));
        string report = $"process {m.Groups[1].Value} (usertest) ended: page fault";

        // The program faults in the background, after the shell has written its prompt: the
        // kernel's report must start a line of its own, and the prompt be written again below.
        if (!started.Exists(l => l.StartsWith(report, StringComparison.Ordinal)))
        {
            machine.WaitFor(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape("\r\n" + report) + "[^\r\n]*\r\nnexos> "), s_command);
        }

        Assert.That(machine.Log, Does.Not.Contain("nexos> " + report), "a kernel line never continues the prompt's line");
        Assert.That(RunCommand(machine, "echo still here"), Is.EqualTo(new[] { "still here" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void KillingTheConsoleBringsAFreshPromptBackThroughInit()
    {
        QemuMachine machine = Boot();
        string pid = PidOf(RunCommand(machine, "ps"), "console");
        machine.Send($"pkill {pid}\r");
        machine.WaitFor($"init: console ended (code 137); starting it again in 100 ms", s_command);
        machine.WaitFor(Prompt, TimeSpan.FromSeconds(10));

        List<string> ps = RunCommand(machine, "ps");
        Assert.That(ps, Has.Some.Match(@$"^\s+{pid} console\s+ended\s+0\s+3\s+-\s+-\s+-\s+137$"), string.Join("\n", ps));
        Assert.That(PidOf(ps, "console"), Is.Not.EqualTo(pid), "a new console serves the prompt");
        Assert.That(RunCommand(machine, "echo still here"), Is.EqualTo(new[] { "still here" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AProgramEndingDoesNotDisturbTheShell()
    {
        QemuMachine machine = Boot();
        Assert.That(RunCommand(machine, "run usertest kernel", TimeSpan.FromSeconds(30)), Has.Some.Contain("ended: page fault"));
        Assert.That(RunCommand(machine, "version"), Has.Some.StartWith("NexOS "));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void TheKernelShellOptionKeepsTheKernelsOwnConsole()
    {
        List<string> ps = RunCommand(Boot(new QemuOptions { CommandLine = "nexos.kernelshell" }), "ps");
        Assert.That(ps, Has.None.Contain(" init "), string.Join("\n", ps));
        Assert.That(ps, Has.Some.Match(@"^\s+0 kernel\s+running"));
    }

    /// <summary>The pid of the running process called <paramref name="name"/> in ps's process table.</summary>
    private static string PidOf(List<string> ps, string name)
    {
        foreach (string line in ps)
        {
            var m = System.Text.RegularExpressions.Regex.Match(line, @"^\s+(\d+) " + name + @"\s+running\s+1\s+3\s");
            if (m.Success)
            {
                return m.Groups[1].Value;
            }
        }

        Assert.Fail($"no running {name} in:\n" + string.Join("\n", ps));
        return string.Empty;
    }
}
