using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// Programs in ring 3, driven from the shell: a program runs, logs through a system call and
/// exits with its code; every kind of hostile program (kernel memory, a privileged
/// instruction, a division by zero, a runaway stack, wild pointers, a million random system
/// calls) ends with a report or is answered with errors while the kernel carries on; and the
/// frames a program held are all back when it has ended (the services init runs hold theirs).
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class UserSpaceBootTests : BootFixture
{
    private static readonly TimeSpan s_program = TimeSpan.FromSeconds(30);

    [Test]
    [CancelAfter(TestBudget)]
    public void AProgramLogsFromRingThreeAndExitsWithItsCode()
    {
        List<string> output = RunCommand(Boot(), "run usertest", s_program);
        Assert.That(output, Has.Count.EqualTo(2), string.Join("\n", output));
        Assert.That(output[0], Is.EqualTo("usertest: hello from ring 3"));
        AssertUsertestEnded(output[1], 7, exitedNormally: true);
    }

    [TestCase("kernel", 142, @"page fault: read of a page it may not access that way at 0x100000 at RIP 0x80004")]
    [TestCase("priv", 141, @"general protection fault \(a privileged instruction or a bad selector\) at RIP 0x80004")]
    [TestCase("div", 128, @"division by zero at RIP 0x80004")]
    [TestCase("deep", 142, @"page fault: write of the guard page under its stack \(stack overflow\) at 0x7FFFFFEF[0-9A-F]{4} at RIP 0x80004")]
    [CancelAfter(TestBudget)]
    public void AFaultingProgramIsEndedWithAReportAndTheKernelCarriesOn(string mode, int code, string report)
    {
        QemuMachine machine = Boot();
        List<string> output = RunCommand(machine, "run usertest " + mode, s_program);
        Assert.That(output, Has.Count.EqualTo(2), string.Join("\n", output));
        Assert.That(output[0], Does.Match(@"^process \d+ \(usertest\) ended: " + report + "[0-9A-F]+$"));
        AssertUsertestEnded(output[1], code, exitedNormally: false);

        List<string> again = RunCommand(machine, "run usertest", s_program);
        Assert.That(again, Has.Some.EqualTo("usertest: hello from ring 3"), "the next program still runs");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void WildPointersAndNumbersAreRefusedWithErrors()
    {
        List<string> output = RunCommand(Boot(), "run usertest wild", s_program);
        Assert.That(output[0], Is.EqualTo("usertest: every wild call was refused"), string.Join("\n", output));
        AssertUsertestEnded(output[1], 0, exitedNormally: true);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void TheStackGrowsOnFirstTouch()
    {
        List<string> output = RunCommand(Boot(), "run usertest grow", s_program);
        Assert.That(output[0], Is.EqualTo("usertest: 512 KiB of stack touched"), string.Join("\n", output));
        Match m = AssertUsertestEnded(output[1], 0, exitedNormally: true);
        Assert.That(int.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(128), "the touched pages were mapped");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void TheLargestMappingIsServedAndGivenBackInOneCall()
    {
        List<string> output = RunCommand(Boot(), "run usertest bigmap", s_program);
        Assert.That(output[0], Is.EqualTo("usertest: 4 GiB mapped, touched and unmapped"), string.Join("\n", output));
        AssertUsertestEnded(output[1], 0, exitedNormally: true);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AMillionRandomSystemCallsLeaveTheKernelRunning()
    {
        QemuMachine machine = Boot();
        List<string> output = RunCommand(machine, "run fuzz 1000000 20261207", TimeSpan.FromSeconds(90));
        Assert.That(output, Has.Count.EqualTo(2), string.Join("\n", output));
        Assert.That(output[0], Does.StartWith("fuzz: 1000000 calls, seed 20261207; results by status"));
        Assert.That(output[1], Does.Match(@"^process \d+ \(fuzz\) exited with code 0; \d+ pages at the end; frames: \d+ at most, 0 not given back$"));
        TestContext.Out.WriteLine("measured: " + output[0]);
        Assert.That(RunCommand(machine, "run usertest", s_program), Has.Some.EqualTo("usertest: hello from ring 3"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void PsShowsARingThreeProcessAndPkillEndsIt()
    {
        QemuMachine machine = Boot();
        List<string> started = RunCommand(machine, "run usertest spin &");
        Match m = Regex.Match(started.Count == 1 ? started[0] : string.Empty, @"^started process (\d+) \(usertest\)$");
        Assert.That(m.Success, Is.True, string.Join("\n", started));
        string pid = m.Groups[1].Value;
        List<string> ps = RunCommand(machine, "ps");
        Assert.That(ps, Has.Some.Match(@"^\s+\d+ usertest\s+(running|runnable)\s.*\s+" + pid + @"\s+3$"), "the thread, in ring 3:\n" + string.Join("\n", ps));
        Assert.That(ps, Has.Some.Match(@"^\s+" + pid + @" usertest\s+running\s+1\s+3\s+\d+\s+\d+\s+\d+\s+-$"), "the process:\n" + string.Join("\n", ps));

        Assert.That(RunCommand(machine, "pkill " + pid), Is.EqualTo(new[] { $"process {pid} (usertest) ended" }));
        List<string> after = RunCommand(machine, "ps");
        Assert.That(after, Has.Some.Match(@"^\s+" + pid + @" usertest\s+ended\s+0\s+3\s+-\s+-\s+-\s+137$"), string.Join("\n", after));
        Assert.That(NotGivenBack(after), Is.EqualTo(0), "every frame of the killed program came back");
    }

    [TestCase("run", "usage: run <name>")]
    [TestCase("run nosuch", "run: no program 'nosuch' in the boot archive")]
    [TestCase("pkill 99", "pkill: no running process 99")]
    [TestCase("pkill x", "usage: pkill <pid>")]
    [CancelAfter(TestBudget)]
    public void BadProcessCommandsGetOneClearError(string line, string error) => AssertOneClearError(line, error);
}
