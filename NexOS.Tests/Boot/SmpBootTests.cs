using System.Globalization;
using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// Many CPUs: on a machine with four, NexOS starts the three application processors, runs four
/// CPU-bound processes on all four at once (top shows every CPU busy, ps shows the threads
/// spread), and keeps answering. `nexos.cpus=N` limits the CPUs it starts; a bad count is
/// reported and ignored. What any one CPU shows as busy is not a timing: an idle CPU's share
/// is its idle thread's CPU time, which a CPU running a spinning program never charges.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class SmpBootTests : BootFixture
{
    private static readonly Regex s_busyLine = new(@"(\d+) CPUs?, busy:((?: cpu\d+ +\d+%)+)\r?\n");

    [Test]
    [CancelAfter(TestBudget)]
    public void FourCpusRunFourCpuBoundProcessesAtOnce()
    {
        QemuMachine machine = Boot(new QemuOptions { Cpus = 4 }, TimeSpan.FromSeconds(60));
        Assert.That(machine.Log, Does.Not.Contain("smp:"), "every CPU started:\n" + machine.Log);
        Assert.That(Metric(machine, "smp.cpus"), Is.EqualTo(4));

        Match started = Regex.Match(RunCommand(machine, "spawn cpu 4")[0], @"^started 4 cpu process\(es\): pid (\d+) (\d+) (\d+) (\d+)$");
        Assert.That(started.Success, Is.True);
        System.Threading.Thread.Sleep(3000);

        int[] busy = TopBusy(machine);
        Assert.That(busy, Has.Length.EqualTo(4), "top shows each CPU");
        Assert.That(busy, Has.All.GreaterThanOrEqualTo(50), "four spinning processes keep all four CPUs busy: " + string.Join(", ", busy));

        List<string> ps = RunCommand(machine, "ps");
        var cpus = new HashSet<string>();
        foreach (string line in ps)
        {
            Match m = Regex.Match(line, @"^\s*\d+ work\s+\S+\s+normal\s.*\s(\d+)\s+\d+\s+3$");
            if (m.Success)
            {
                cpus.Add(m.Groups[1].Value);
            }
        }

        Assert.That(cpus, Has.Count.GreaterThanOrEqualTo(2), "the work threads ran on several CPUs (ps's ON column):\n" + string.Join("\n", ps));
        string locks = string.Join("\n", RunCommand(machine, "locks"));
        Assert.That(locks, Does.Match(@"kernel lock: 4 CPU\(s\); \d+ acquisitions, \d+ contended"), locks);

        for (int i = 1; i <= 4; i++)
        {
            string pid = started.Groups[i].Value;
            Assert.That(RunCommand(machine, "pkill " + pid), Is.EqualTo(new[] { $"process {pid} (work) ended" }));
        }

        Assert.That(RunCommand(machine, "echo still responsive"), Is.EqualTo(new[] { "still responsive" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void TheCommandLineLimitsTheCpusAndABadCountIsReported()
    {
        QemuMachine one = Boot(new QemuOptions { Cpus = 4, CommandLine = "nexos.cpus=1" }, TimeSpan.FromSeconds(60));
        Assert.That(Metric(one, "smp.cpus"), Is.EqualTo(1));
        Assert.That(TopBusy(one), Has.Length.EqualTo(1));

        QemuMachine bad = Boot(new QemuOptions { Cpus = 2, CommandLine = "nexos.cpus=two" }, TimeSpan.FromSeconds(60));
        Assert.That(bad.Log, Does.Contain("smp: nexos.cpus=two is not a CPU count; starting every CPU"));
        Assert.That(Metric(bad, "smp.cpus"), Is.EqualTo(2));
    }

    /// <summary>Opens top, reads its second screen's busy line (the first covers the time
    /// since boot), quits, and returns each CPU's busy percentage.</summary>
    private static int[] TopBusy(QemuMachine machine)
    {
        machine.Send("top\r");
        machine.WaitFor(s_busyLine, s_command);
        Match second = machine.WaitFor(s_busyLine, TimeSpan.FromSeconds(10));
        machine.Send("q");
        machine.WaitFor(Prompt, s_command);
        var busy = new List<int>();
        foreach (Match m in Regex.Matches(second.Groups[2].Value, @"cpu\d+ +(\d+)%"))
        {
            busy.Add(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        Assert.That(busy, Has.Count.EqualTo(int.Parse(second.Groups[1].Value, CultureInfo.InvariantCulture)));
        return busy.ToArray();
    }

    private static long Metric(QemuMachine machine, string name)
    {
        string all = string.Join("\n", RunCommand(machine, "metrics"));
        Match m = Regex.Match(all, @"(?m)^" + Regex.Escape(name) + @"\s+(\d+)");
        Assert.That(m.Success, Is.True, $"{name} in:\n{all}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
