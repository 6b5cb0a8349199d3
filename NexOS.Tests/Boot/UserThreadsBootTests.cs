using System.Globalization;
using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// The thread calls (ThreadCreate, ThreadExit, ThreadJoin) from ring 3, through usertest's
/// thread modes (user/usertest/threads.asm): threads with their own stacks, arguments and
/// thread pointers share the process's capabilities and are joined with their exit codes; a
/// thread's fault ends the whole process with a report; a kill ends every thread, blocked ones
/// too, and `ps` lists each of them; hostile arguments are refused with the documented
/// statuses. Every frame the program held comes back each time.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class UserThreadsBootTests : BootFixture
{
    private static readonly TimeSpan s_program = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(TestBudget)]
    public void ThreadsDoTheirWorkAndAreJoinedWithTheirCodes()
    {
        List<string> output = RunCommand(Boot(), "run usertest threads", s_program);
        Assert.That(output, Has.Count.EqualTo(2), string.Join("\n", output));
        Assert.That(output[0], Is.EqualTo("usertest: 3 threads joined with codes 11 22 33"));
        AssertUsertestEnded(output[1], 0, exitedNormally: true);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AProcessEndsWithItsLastThreadAndThatThreadsExitCode()
    {
        List<string> output = RunCommand(Boot(), "run usertest tlast", s_program);
        Assert.That(output, Has.Count.EqualTo(1), string.Join("\n", output));
        AssertUsertestEnded(output[0], 42, exitedNormally: true);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AThreadThatFaultsEndsItsProcessWithAReport()
    {
        QemuMachine machine = Boot();
        List<string> output = RunCommand(machine, "run usertest tfault", s_program);
        Assert.That(output, Has.Count.EqualTo(2), string.Join("\n", output));
        Assert.That(output[0], Does.Match(@"^process \d+ \(usertest\) ended: page fault: read of a page it may not access that way at 0x100000 at RIP 0x80004[0-9A-F]+$"));
        AssertUsertestEnded(output[1], 142, exitedNormally: false);
        Assert.That(RunCommand(machine, "run usertest", s_program), Has.Some.EqualTo("usertest: hello from ring 3"), "the next program still runs");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void HostileThreadArgumentsAreRefusedAndTheSystemCarriesOn()
    {
        QemuMachine machine = Boot();
        List<string> output = RunCommand(machine, "run usertest thostile", s_program);
        Assert.That(output, Has.Count.EqualTo(2), "a line per failed check, then the summary:\n" + string.Join("\n", output));
        Assert.That(output[0], Is.EqualTo("usertest: every hostile thread call was refused"));
        AssertUsertestEnded(output[1], 0, exitedNormally: true);
        Assert.That(RunCommand(machine, "run usertest threads", s_program), Has.Some.EqualTo("usertest: 3 threads joined with codes 11 22 33"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void KillEndsEveryThreadEvenBlockedOnesAndPsListsThemAll()
    {
        QemuMachine machine = Boot();
        List<string> started = RunCommand(machine, "run usertest tblock &");
        Match m = Regex.Match(started.Count == 1 ? started[0] : string.Empty, @"^started process (\d+) \(usertest\)$");
        Assert.That(m.Success, Is.True, string.Join("\n", started));
        string pid = m.Groups[1].Value;

        // The main thread makes three threads that block in an IPC receive, a day's sleep and
        // a join; it joins the sleeper. Wait until all four are blocked.
        var blocked = new Regex(@"^\s+\d+ usertest(#\d+)?\s+blocked\s.*\s" + pid + @"\s+3$");
        List<string> ps = new();
        for (int i = 0; i < 40 && CountMatching(ps, blocked) < 4; i++)
        {
            System.Threading.Thread.Sleep(250);
            ps = RunCommand(machine, "ps");
        }

        Assert.That(CountMatching(ps, blocked), Is.EqualTo(4), "four blocked threads of the process:\n" + string.Join("\n", ps));
        Assert.That(ps, Has.Some.Match(@"^\s+" + pid + @" usertest\s+running\s+4\s+3\s+\d+\s+\d+\s+\d+\s+-$"), "the process, with four threads:\n" + string.Join("\n", ps));

        Assert.That(RunCommand(machine, "pkill " + pid), Is.EqualTo(new[] { $"process {pid} (usertest) ended" }));
        List<string> after = RunCommand(machine, "ps");
        Assert.That(after, Has.None.Match(@"\s" + pid + @"\s+3$"), "no thread of the process is left:\n" + string.Join("\n", after));
        Assert.That(after, Has.Some.Match(@"^\s+" + pid + @" usertest\s+ended\s+0\s+3\s+-\s+-\s+-\s+137$"), string.Join("\n", after));
        Assert.That(NotGivenBack(after), Is.EqualTo(0), "every frame of the killed program came back");
        Assert.That(RunCommand(machine, "run usertest threads", s_program), Has.Some.EqualTo("usertest: 3 threads joined with codes 11 22 33"));
    }

    private static int CountMatching(List<string> lines, Regex pattern)
    {
        int n = 0;
        foreach (string line in lines)
        {
            n += pattern.IsMatch(line) ? 1 : 0;
        }

        return n;
    }
}
